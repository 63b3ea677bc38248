import type { Anomaly } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { SseStream } from "../../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe.each(["sqlite", "mysql"] as const)("anomalies end to end on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { BATCH_INTERVAL_MS: "0" } });
  });
  afterAll(async () => server.stop());

  async function list(query: string): Promise<{ items: Anomaly[]; nextCursor: string | null }> {
    const response = await fetch(`${server.url}/api/v1/anomalies?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as { items: Anomaly[]; nextCursor: string | null };
  }

  it("flags an injected spike: sent to the streams, stored and listed", async () => {
    const source = uniqueSource();
    const stream = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    for (let i = 0; i < 40; i++) {
      const response = await server.ingest([navigationEvent(source, { durationMs: 200 + (i % 5) * 10 })]);
      expect(response.status).toBe(202);
    }
    await server.ingest([navigationEvent(source, { durationMs: 30_000 })]);
    const page = await eventually(
      () => list(`source=${source}`),
      (p) => p.items.length === 1,
    );
    expect(page.items[0]).toMatchObject({
      source,
      metric: "navigationDuration",
      value: 30_000,
      direction: "spike",
    });
    expect(page.nextCursor).toBe(page.items[0]?.id);
    const sent = await stream.waitFor("anomaly");
    expect(sent.map((event) => JSON.parse(event.data))).toEqual(page.items);
    stream.close();
    expect((await list(`source=${source}&after=${page.nextCursor}`)).items).toEqual([]);
  });

  it("answers 400 for a malformed after", async () => {
    expect((await fetch(`${server.url}/api/v1/anomalies?after=nope`)).status).toBe(400);
  });
});
