import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer } from "../../test/test-server.ts";

/** An SSE client that sends its request and then never reads a byte. */
async function stuckSseClient(server: TestServer, source: string): Promise<Socket> {
  const socket = connect(server.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.setNoDelay(true);
  socket.write(`GET /api/v1/stream?sources=${source} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  socket.pause();
  return socket;
}

describe("slow consumers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { BATCH_INTERVAL_MS: "0", MAX_BATCH_SIZE: "1000", MAX_PENDING: "1000000" },
    });
  });
  afterAll(async () => server.stop());

  it("drops a client that never reads, keeps the others prompt, and keeps memory bounded", async () => {
    const source = uniqueSource();
    const stuckSse = await stuckSseClient(server, source);
    const stuckWs = new WebSocket(`${server.url.replace("http", "ws")}/api/v1/ws?sources=${source}`);
    await new Promise((resolve) => stuckWs.once("open", resolve));
    // Stop reading the socket under the ws client: the server's frames pile up.
    (stuckWs as unknown as { _socket: Socket })._socket.pause();
    const reader = await SseStream.open(`${server.url}/api/v1/stream?sources=${source}`);
    await reader.waitFor("connected");
    await eventually(
      () => server.services.streams.stats.clients,
      (c) => c.sse === 2 && c.websocket === 1,
    );
    const dropped = server.services.streams.stats.droppedSlowConsumers;
    const heapBefore = process.memoryUsage().heapUsed;

    // ~40 MB of batches (50 × 250 events of 3 KB): far past the 1 MiB cap plus what kernel buffers absorb.
    const error = "e".repeat(3_000);
    const perRequest = 250;
    let sent = 0;
    let worstLatency = 0;
    for (let round = 0; round < 50; round++) {
      const events = Array.from({ length: perRequest }, () => navigationEvent(source, { error }));
      const started = Date.now();
      const response = await server.ingest({ metrics: events });
      expect(response.status).toBe(202);
      sent += perRequest;
      await reader.waitForEvents(sent);
      worstLatency = Math.max(worstLatency, Date.now() - started);
    }
    await eventually(
      () => server.services.streams.stats.droppedSlowConsumers,
      (n) => n === dropped + 2,
    );
    expect(server.services.streams.stats.clients).toEqual({ sse: 1, websocket: 0 });
    expect(worstLatency).toBeLessThan(2_000);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    // The test process holds what the reader received (~40 MB of strings); the server's share
    // must not include the stuck clients' backlogs. Compare against a generous bound.
    expect(heapGrowth).toBeLessThan(400 * 1024 * 1024);
    reader.close();
    stuckSse.destroy();
    stuckWs.terminate();
  });
});

describe("slow consumers during a replay", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        BATCH_INTERVAL_MS: "0",
        MAX_BATCH_SIZE: "1000",
        MAX_PENDING: "1000000",
        SLOW_CLIENT_TIMEOUT_MS: "500",
        HEARTBEAT_INTERVAL_MS: "200",
      },
    });
  });
  afterAll(async () => server.stop());

  it("drops a resuming client that stops reading its replay after SLOW_CLIENT_TIMEOUT_MS", async () => {
    const source = uniqueSource();
    expect((await server.ingest({ metrics: [navigationEvent(source)] })).status).toBe(202);
    const cursor = await eventually(
      () => server.services.streams.newestCursor,
      (newest) => newest !== null,
    );
    // ~30 MB to replay: far more than the kernel's socket buffers and the 1 MiB cap hold.
    const error = "e".repeat(3_000);
    for (let round = 0; round < 40; round++) {
      const events = Array.from({ length: 250 }, () => navigationEvent(source, { error }));
      expect((await server.ingest({ metrics: events })).status).toBe(202);
    }
    const dropped = server.services.streams.stats.droppedSlowConsumers;
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      `GET /api/v1/stream?sources=${source} HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: ${cursor}\r\n\r\n`,
    );
    socket.pause();
    await eventually(
      () => server.services.streams.stats.droppedSlowConsumers,
      (n) => n === dropped + 1,
    );
    expect(server.services.streams.stats.clients.sse).toBe(0);
    socket.destroy();
  });

  it("judges a WebSocket peer by pongs to its own pings, not by unsolicited ones", async () => {
    const peer = new WebSocket(`${server.url.replace("http", "ws")}/api/v1/ws`, { autoPong: false });
    await new Promise((resolve) => peer.once("open", resolve));
    // Pongs nobody asked for, faster than the heartbeat: the old check took them as answers.
    const timer = setInterval(() => peer.pong(), 50);
    const code = await new Promise<number>((resolve) => peer.once("close", resolve));
    clearInterval(timer);
    expect(code).toBe(1006);
  });
});
