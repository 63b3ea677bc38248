// POST /api/v1/metrics with Idempotency-Key, end to end: a retried batch is answered with the
// first answer and stored once. (Needs the ingest route to call answerOnce; see idempotency.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { countStored, eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe("POST /api/v1/metrics with an Idempotency-Key", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  it("answers a repeated key with the first answer and stores the events once", async () => {
    const source = uniqueSource("idem");
    const body = { metrics: [navigationEvent(source), navigationEvent(source)] };
    const key = `key-${source}`;
    const acceptedBefore = server.services.pipeline.accepted;
    const first = await server.ingest(body, { "idempotency-key": key });
    const second = await server.ingest(body, { "idempotency-key": key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const firstBody = await first.json();
    expect(await second.json()).toEqual(firstBody);
    expect(server.services.pipeline.accepted - acceptedBefore).toBe(2);
    await eventually(
      () => countStored(server.databaseUrl, [source]),
      (n) => n === 2,
    );
  });

  it("accepts the same body again under a different key", async () => {
    const source = uniqueSource("idem-new");
    const body = [navigationEvent(source)];
    await server.ingest(body, { "idempotency-key": `a-${source}` });
    const again = await server.ingest(body, { "idempotency-key": `b-${source}` });
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    await eventually(
      () => countStored(server.databaseUrl, [source]),
      (n) => n === 2,
    );
  });

  it("answers 422 for a key reused with another body, and 400 for a malformed key", async () => {
    const source = uniqueSource("idem-bad");
    const key = `k-${source}`;
    await server.ingest([navigationEvent(source)], { "idempotency-key": key });
    const reused = await server.ingest([navigationEvent(source, { durationMs: 1 })], {
      "idempotency-key": key,
    });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe("idempotency_key_reused");
    const malformed = await server.ingest([navigationEvent(source)], { "idempotency-key": "two words" });
    expect(malformed.status).toBe(400);
  });
});
