// Runs the browser transport against a real WebSocket server on port 0 (the `ws` client stands in
// for the browser's WebSocket, whose interface it shares).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket as NodeWebSocket, WebSocketServer } from "ws";
import type { TransportEvents } from "./transport.ts";
import { wsTransport } from "./ws-transport.ts";

interface Peer {
  received: unknown[];
  send(message: object): void;
  next(): Promise<unknown>;
  url: string;
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serverPeer(): Promise<{ origin: string; peer: Promise<Peer> }> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  servers.push(server);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const peer = new Promise<Peer>((resolve) => {
    server.once("connection", (socket, request) => {
      const received: unknown[] = [];
      const waiters: Array<(m: unknown) => void> = [];
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as unknown;
        const waiter = waiters.shift();
        if (waiter) waiter(message);
        else received.push(message);
      });
      resolve({
        received,
        url: request.url ?? "",
        send: (message) => socket.send(JSON.stringify(message)),
        next: () => {
          const queued = received.shift();
          if (queued !== undefined) return Promise.resolve(queued);
          return new Promise((r) => waiters.push(r));
        },
      });
    });
  });
  return { origin: `http://127.0.0.1:${port}`, peer };
}

function recorder() {
  const log: string[] = [];
  const events: TransportEvents = {
    open: (cursor) => log.push(`open ${cursor}`),
    batch: (batch) => log.push(`batch ${batch.id}`),
    anomaly: (a) => log.push(`anomaly ${a.id}`),
    reset: (r) => log.push(`reset ${r.cursor}`),
    down: (reason) => log.push(`down ${reason}`),
  };
  return { log, events };
}

const open = wsTransport(NodeWebSocket as unknown as new (url: string) => WebSocket);

describe("wsTransport", () => {
  it("subscribes on open with the sources, resume cursor and token", async () => {
    const { origin, peer } = await serverPeer();
    const { log, events } = recorder();
    const transport = open({ origin, sources: ["a", "b"], lastEventId: "10-2", token: "t0k" }, events);
    const server = await peer;
    expect(server.url).toBe("/api/v1/ws?token=t0k");
    expect(await server.next()).toEqual({ type: "subscribe", sources: ["a", "b"], lastEventId: "10-2" });
    server.send({ type: "subscribed", sources: ["a", "b"] });
    server.send({ type: "metrics", id: "11-0", source: "a", count: 0, timestamp: "", metrics: [] });
    await expect.poll(() => log).toEqual(["open null", "batch 11-0"]);
    transport.close();
  });

  it("sends only the difference when the subscription changes", async () => {
    const { origin, peer } = await serverPeer();
    const { log, events } = recorder();
    const transport = open({ origin, sources: ["a", "b"], lastEventId: null, token: null }, events);
    const server = await peer;
    expect(await server.next()).toEqual({ type: "subscribe", sources: ["a", "b"] });
    server.send({ type: "connected", clientId: "c1", sources: null, serverTime: "", cursor: "5-0" });
    await expect.poll(() => log).toEqual(["open 5-0"]);
    transport.resubscribe(["b", "c"], "6-1");
    expect(await server.next()).toEqual({ type: "unsubscribe", sources: ["a"] });
    expect(await server.next()).toEqual({ type: "subscribe", sources: ["c"], lastEventId: "6-1" });
    transport.resubscribe(null, "7-0");
    expect(await server.next()).toEqual({ type: "subscribe", lastEventId: "7-0" });
    transport.resubscribe(["z"], "8-0");
    expect(await server.next()).toEqual({ type: "unsubscribe" });
    expect(await server.next()).toEqual({ type: "subscribe", sources: ["z"], lastEventId: "8-0" });
    transport.close();
  });

  it("reports down once when the server goes away, and not after close()", async () => {
    const { origin, peer } = await serverPeer();
    const { log, events } = recorder();
    open({ origin, sources: null, lastEventId: null, token: null }, events);
    await peer;
    for (const server of servers) for (const client of server.clients) client.terminate();
    await expect.poll(() => log.filter((l) => l.startsWith("down"))).toHaveLength(1);

    const second = await serverPeer();
    const quiet = recorder();
    const transport = open(
      { origin: second.origin, sources: null, lastEventId: null, token: null },
      quiet.events,
    );
    await second.peer;
    transport.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(quiet.log).toEqual([]);
  });
});
