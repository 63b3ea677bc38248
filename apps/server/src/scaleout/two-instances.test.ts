// Two servers sharing one MariaDB database and one Redis stream: one product.
import { randomBytes } from "node:crypto";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

describe("two instances behind Redis", () => {
  let a: TestServer;
  let b: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabaseUrl("mysql");
    drop = database.drop;
    const env = {
      REDIS_URL: process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379",
      REDIS_STREAM: `sw-test-${randomBytes(4).toString("hex")}`,
    };
    a = await startTestServer({ databaseUrl: database.url, env });
    b = await startTestServer({ databaseUrl: database.url, env });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await drop();
  });

  it("hands a batch ingested on one instance to the other's bus with the same cursor, and stores it once", async () => {
    const source = uniqueSource();
    const seenOnB: string[] = [];
    const seenOnA: string[] = [];
    b.services.bus.onBatch((batch) => batch.source === source && seenOnB.push(batch.id));
    a.services.bus.onBatch((batch) => batch.source === source && seenOnA.push(batch.id));
    const response = await a.ingest(Array.from({ length: 5 }, () => schedulerEvent(source)));
    expect(response.status).toBe(202);
    await eventually(
      () => seenOnB.length,
      (n) => n === 1,
    );
    await eventually(
      () => seenOnA.length,
      (n) => n === 1,
    );
    expect(seenOnB).toEqual(seenOnA);
    await eventually(
      () => b.services.store.count([source]),
      (n) => n === 5,
    );
    const rows = await b.services.store.read({ sources: [source], limit: 10 });
    expect(
      rows.every((row) => row.position.startsWith(String(seenOnA[0]?.split("-")[0]).padStart(15, "0"))),
    ).toBe(true);
  });
});
