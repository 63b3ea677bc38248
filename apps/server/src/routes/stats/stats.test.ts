import { publicDatabaseError } from "./stats.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { SseStream, WsConnection } from "../../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

interface Stats {
  clients: Record<string, number>;
  subscriptionsBySource: Record<string, number>;
  eventsBySource: Record<string, number>;
  queues: Record<string, number>;
  droppedSlowConsumers: number;
  resume: Record<string, unknown>;
  memory: Record<string, number>;
  uptimeSeconds: number;
}

describe("GET /api/v1/stats", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_TOKENS: "r1" } });
  });
  afterAll(async () => server.stop());

  it("reports clients by transport, subscriptions and events per source, queues, memory, uptime", async () => {
    const source = uniqueSource();
    const auth = { authorization: "Bearer r1" };
    const sse = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`, auth);
    await sse.waitFor("connected");
    const ws = await WsConnection.open(`${server.url.replace("http", "ws")}/api/v1/ws?token=r1`);
    ws.send({ type: "subscribe", sources: [source] });
    await ws.waitFor("subscribed");
    expect(
      (await server.ingest({ metrics: [navigationEvent(source), navigationEvent(source)] })).status,
    ).toBe(202);
    await sse.waitForEvents(2);

    expect((await fetch(`${server.url}/api/v1/stats`)).status).toBe(401);
    const stats = await eventually(
      async () => (await (await fetch(`${server.url}/api/v1/stats`, { headers: auth })).json()) as Stats,
      (body) => body.subscriptionsBySource[source] === 2,
    );
    expect(stats.clients).toEqual({ sse: 1, websocket: 1, total: 2 });
    expect(stats.eventsBySource[source]).toBe(2);
    expect(stats.queues).toMatchObject({ batching: expect.any(Number), writerPending: expect.any(Number) });
    expect(stats.droppedSlowConsumers).toBe(0);
    expect(stats.resume).toMatchObject({
      hits: 0,
      misses: 0,
      resets: 0,
      timings: { replayed: 0, nothingMissed: 0 },
    });
    expect(stats.memory.rss ?? 0).toBeGreaterThan(0);
    expect(stats.memory.heapUsed ?? 0).toBeGreaterThan(0);
    expect(stats.uptimeSeconds).toBeGreaterThanOrEqual(0);
    sse.close();
    ws.close();
  });
});

describe("the database error /stats shows", () => {
  it("is the first line of the error, without credentials, at most 200 characters", () => {
    expect(publicDatabaseError(null)).toBeNull();
    expect(
      publicDatabaseError(
        "connect ECONNREFUSED mysql://root:hunter2@db.internal:3306/app\n    at Socket.x (net.js:1)",
      ),
    ).toBe("connect ECONNREFUSED mysql://db.internal:3306/app");
    expect(publicDatabaseError(`Duplicate entry ${"x".repeat(500)}`)?.length).toBe(200);
  });
});
