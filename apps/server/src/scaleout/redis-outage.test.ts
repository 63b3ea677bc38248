// Redis pulled out from under two running instances (through a TCP proxy the test controls):
// both keep accepting and storing, their own clients keep streaming, and cross-instance delivery
// comes back when Redis does.
import { randomBytes } from "node:crypto";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { TcpProxy } from "../../test/tcp-proxy.ts";
import { countStored, eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

const REDIS = new URL(process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379");

describe("two instances when Redis goes away", () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    const database = await createTestDatabaseUrl("mysql");
    drop = database.drop;
    proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
    await proxy.open();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_STREAM: `sw-test-${randomBytes(4).toString("hex")}`,
    };
    a = await startTestServer({ databaseUrl: database.url, env });
    b = await startTestServer({ databaseUrl: database.url, env });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await proxy.open().catch(() => {});
    await a.stop();
    await b.stop();
    await proxy.cut();
    await drop();
  });

  it("both keep accepting, storing and streaming their own events, and catch up when it returns", async () => {
    const source = uniqueSource("redis-cut");
    const sseA = await SseStream.open(`${a.url}/api/v1/stream?sources=${source}`);
    const sseB = await SseStream.open(`${b.url}/api/v1/stream?sources=${source}`);
    streams.push(sseA, sseB);
    await sseA.waitFor("connected");
    await sseB.waitFor("connected");

    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => schedulerEvent(source, { durationMs: i }));
    expect((await a.ingest(batch(3))).status).toBe(202);
    await sseB.waitForEvents(3);

    await proxy.cut();
    for (let round = 0; round < 5; round++) {
      expect((await a.ingest(batch(10))).status).toBe(202);
      expect((await b.ingest(batch(10))).status).toBe(202);
    }
    // Stored, once, while Redis is away; each instance's own clients still get its events.
    await eventually(
      () => countStored(a.databaseUrl, [source]),
      (n) => n === 103,
    );
    await sseA.waitForEvents(3 + 50);
    await sseB.waitForEvents(3 + 50);
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${b.url}/api/v1/metrics?source=${source}&limit=1`)).status).toBe(200);

    await proxy.open();
    // Back: what each published during the outage reaches the other, and new events flow across.
    await sseA.waitForEvents(103, 20_000);
    await sseB.waitForEvents(103, 20_000);
    expect((await a.ingest(batch(7))).status).toBe(202);
    await sseB.waitForEvents(110, 20_000);
    await eventually(
      () => countStored(a.databaseUrl, [source]),
      (n) => n === 110,
    );
    for (const stream of [sseA, sseB]) {
      const ids = stream.events
        .filter((e) => e.event === "metrics")
        .flatMap((e) => {
          const parsed = JSON.parse(e.data) as { metrics: { id: string }[] };
          return parsed.metrics.map((m) => m.id);
        });
      expect(new Set(ids).size).toBe(ids.length);
    }
  }, 60_000);
});
