import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { navigationEvent, scrapeEvent, uniqueSource } from "../../test/factories.ts";
import { WsConnection } from "../../test/stream-clients.ts";
import { eventually, startTestServer, type TestServer, idsOf, ingest } from "../../test/test-server.ts";

describe("GET /api/v1/ws", () => {
  let server: TestServer;
  let wsUrl: string;
  beforeAll(async () => {
    server = await startTestServer();
    wsUrl = `${server.url.replace("http", "ws")}/api/v1/ws`;
  });
  afterAll(async () => server.stop());

  it("greets with connected and answers ping and status", async () => {
    const ws = await WsConnection.open(wsUrl);
    const [connected] = await ws.waitFor("connected");
    expect(connected).toMatchObject({
      clientId: expect.any(String),
      sources: [],
      serverTime: expect.any(String),
    });
    ws.send({ type: "ping" });
    expect((await ws.waitFor("pong"))[0]).toMatchObject({ serverTime: expect.any(String) });
    ws.send({ type: "status" });
    const [status] = await ws.waitFor("status");
    expect(status).toMatchObject({ clientId: connected?.clientId, sources: [], cursor: null, delivered: 0 });
    expect(ws.socket.extensions).toBe("");
    ws.close();
  });

  it("subscribes and unsubscribes by source, and delivers only subscribed batches", async () => {
    const [a, b] = [uniqueSource(), uniqueSource()];
    const ws = await WsConnection.open(wsUrl);
    ws.send({ type: "subscribe", sources: [a] });
    expect((await ws.waitFor("subscribed"))[0]).toMatchObject({ sources: [a] });
    ws.send({ type: "subscribe", sources: [b] });
    expect((await ws.waitFor("subscribed", 2))[1]?.sources).toEqual([a, b]);
    const ids = await ingest(server, [navigationEvent(a), navigationEvent(b)]);
    expect(new Set(idsOf(await ws.batches(2)))).toEqual(new Set(ids));
    ws.send({ type: "unsubscribe", sources: [a] });
    expect((await ws.waitFor("unsubscribed"))[0]?.sources).toEqual([b]);
    const later = await ingest(server, [navigationEvent(a), scrapeEvent(b)]);
    const batches = await ws.batches(3);
    expect(idsOf(batches).slice(2)).toEqual([later[1]]);
    ws.send({ type: "status" });
    expect((await ws.waitFor("status"))[0]).toMatchObject({ sources: [b], delivered: 3 });
    ws.send({ type: "unsubscribe" });
    expect((await ws.waitFor("unsubscribed", 2))[1]?.sources).toEqual([]);
    ws.close();
  });

  it("frames batches of every size correctly (7-bit, 16-bit and 64-bit lengths)", async () => {
    const source = uniqueSource();
    const ws = await WsConnection.open(`${wsUrl}?sources=${source}`);
    await ws.waitFor("subscribed");
    const small = await ingest(server, [{ type: "scheduler", source, durationMs: 1, success: true }]);
    const medium = await ingest(server, [navigationEvent(source), scrapeEvent(source)]);
    const large = await ingest(
      server,
      Array.from({ length: 60 }, () => navigationEvent(source, { error: "é".repeat(1_500) })),
    );
    expect(idsOf(await ws.batches(63))).toEqual([...small, ...medium, ...large]);
    // The last event is one of the large ones (a busy machine may batch it with the medium ones).
    expect((await ws.batches(63)).at(-1)?.metrics.at(-1)).toMatchObject({ error: "é".repeat(1_500) });
    ws.close();
  });

  it("subscribes to every source without a list and resumes after lastEventId", async () => {
    const source = uniqueSource();
    const watcher = await WsConnection.open(wsUrl);
    watcher.send({ type: "subscribe" });
    expect((await watcher.waitFor("subscribed"))[0]?.sources).toBeNull();
    const first = await ingest(server, [navigationEvent(source)]);
    const cursor = (await watcher.batches(1)).find((b) => b.metrics[0]?.id === first[0])?.id;
    watcher.close();
    const missed = await ingest(server, [navigationEvent(source), scrapeEvent(source)]);
    const resumed = await WsConnection.open(wsUrl);
    resumed.send({ type: "subscribe", sources: [source], lastEventId: cursor });
    expect(idsOf(await resumed.batches(2))).toEqual(missed);
    resumed.send({ type: "subscribe", sources: [source], lastEventId: "garbage" });
    expect((await resumed.waitFor("reset"))[0]).toMatchObject({ reason: "malformed_cursor" });
    resumed.close();
  });

  it("answers every kind of bad input with an error message and stays up", async () => {
    const ws = await WsConnection.open(wsUrl);
    const cases: [unknown, string][] = [
      ["{not json", "invalid_json"],
      [JSON.stringify([1, 2]), "invalid_message"],
      [{ type: "dance" }, "unknown_type"],
      [{ nope: 1 }, "unknown_type"],
      [{ type: "subscribe", sources: "robinhood" }, "invalid_message"],
      [{ type: "subscribe", sources: ["bad name!"] }, "invalid_message"],
      [{ type: "subscribe", sources: Array.from({ length: 51 }, (_, i) => `s${i}`) }, "too_many_sources"],
      [JSON.stringify({ type: "ping", pad: "x".repeat(17 * 1024) }), "frame_too_large"],
    ];
    for (const [message] of cases) ws.send(message);
    const errors = await ws.waitFor("error", cases.length);
    expect(errors.map((e) => e.code)).toEqual(cases.map(([, code]) => code));
    expect(errors.every((e) => typeof e.message === "string" && e.message.length > 0)).toBe(true);
    ws.socket.send(Buffer.from("{}"), { binary: true });
    expect((await ws.waitFor("error", cases.length + 1)).at(-1)?.code).toBe("invalid_message");
    ws.send({ type: "ping" });
    await ws.waitFor("pong");
    ws.close();
  });

  it("closes with 1008 a client that keeps sending garbage", async () => {
    const ws = await WsConnection.open(wsUrl);
    for (let i = 0; i < 10; i++) ws.send("garbage");
    expect(await ws.whenClosed()).toBe(1008);
    expect(ws.messages.filter((m) => m.type === "error")).toHaveLength(10);
  });

  it("closes with 1008 a client sending more than 20 messages a second", async () => {
    const ws = await WsConnection.open(wsUrl);
    for (let i = 0; i < 25; i++) ws.send({ type: "ping" });
    expect(await ws.whenClosed()).toBe(1008);
    expect(ws.messages.some((m) => m.type === "error" && m.code === "rate_limited")).toBe(true);
  });

  it("closes a frame beyond the payload limit with 1009", async () => {
    const ws = await WsConnection.open(wsUrl);
    ws.send("x".repeat(70 * 1024));
    expect(await ws.whenClosed()).toBe(1009);
  });
});

describe("GET /api/v1/ws heartbeats", () => {
  let server: TestServer;
  let wsUrl: string;
  beforeAll(async () => {
    // Its own server: a short interval would terminate slow test clients of the other suites.
    server = await startTestServer({ env: { HEARTBEAT_INTERVAL_MS: "500" } });
    wsUrl = `${server.url.replace("http", "ws")}/api/v1/ws`;
  });
  afterAll(async () => server.stop());

  it("pings every HEARTBEAT_INTERVAL_MS and terminates a peer that does not answer", async () => {
    const alive = await WsConnection.open(wsUrl);
    let pings = 0;
    alive.socket.on("ping", () => {
      pings += 1;
    });
    // A peer that never answers pings: autoPong off.
    const dead = new WsConnection(new WebSocket(wsUrl, { autoPong: false }));
    await new Promise((resolve) => dead.socket.once("open", resolve));
    expect(await dead.whenClosed()).toBe(1006);
    await eventually(
      () => pings,
      (n) => n >= 3,
    );
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });
});

describe("GET /api/v1/ws with READ_TOKENS and MAX_CLIENTS", () => {
  let server: TestServer;
  let wsUrl: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_TOKENS: "r1", MAX_CLIENTS: "2" } });
    wsUrl = `${server.url.replace("http", "ws")}/api/v1/ws`;
  });
  afterAll(async () => server.stop());

  it("refuses the upgrade without a valid read token", async () => {
    await expect(WsConnection.open(wsUrl)).rejects.toThrow("HTTP 401");
    await expect(WsConnection.open(`${wsUrl}?token=nope`)).rejects.toThrow("HTTP 403");
    const ok = await WsConnection.open(wsUrl, { authorization: "Bearer r1" });
    await ok.waitFor("connected");
    ok.close();
    await ok.whenClosed();
  });

  it("closes with 1013 beyond MAX_CLIENTS, counting SSE and WebSocket together", async () => {
    await eventually(
      () => server.services.streams.stats.clients.websocket,
      (n) => n === 0,
    );
    const ws = await WsConnection.open(`${wsUrl}?token=r1`);
    await ws.waitFor("connected");
    const sse = await fetch(`${server.url}/api/v1/stream?token=r1`);
    expect(sse.status).toBe(200);
    const refused = await WsConnection.open(`${wsUrl}?token=r1`);
    expect(await refused.whenClosed()).toBe(1013);
    expect(server.services.streams.stats.clients).toEqual({ sse: 1, websocket: 1 });
    await sse.body?.cancel();
    ws.close();
  });
});
