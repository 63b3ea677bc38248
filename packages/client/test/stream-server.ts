// A small real stream server for the SDK's tests: SSE and WebSocket as SPEC 3-4 describe them,
// with a batch log kept across stop()/start() (as the real server keeps it in its database), so
// resuming across a restart can be tested. Can also go silent to test the heartbeat watchdog.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Batch, Metric } from "../src/types.ts";

interface Client {
  sources: Set<string> | null;
  send(batch: Batch, text: string): void;
}

export class StreamServer {
  readonly log: Batch[] = [];
  /** The resume cursor each connection asked for (null: none). */
  readonly resumes: (string | null)[] = [];
  readonly wsMessages: unknown[] = [];
  /** Send no ping comments (the link looks dead to a client that watches for heartbeats). */
  silent = false;
  pingMs = 50;
  private readonly clients = new Set<Client>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private clientSeq = 0;
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.clients.size;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => this.handleSse(req, res));
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/api/v1/ws")) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => this.handleWs(ws));
    });
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    return this;
  }

  /** Goes down: every connection is cut. The log survives for the next start(). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.clients.clear();
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  publish(source: string, count = 1): Batch {
    const ms = Date.now();
    const id = `${ms}-${this.seq++}`;
    const metrics: Metric[] = Array.from({ length: count }, (_, i) => ({
      type: "scheduler",
      id: `${id}-${i}`,
      source,
      timestamp: new Date(ms).toISOString(),
      durationMs: i,
      itemsProcessed: 0,
      success: true,
      error: null,
    }));
    const batch: Batch = { id, source, count, timestamp: new Date(ms).toISOString(), metrics };
    this.log.push(batch);
    const text = JSON.stringify(batch);
    for (const client of this.clients)
      if (!client.sources || client.sources.has(source)) client.send(batch, text);
    return batch;
  }

  private connected(sources: Set<string> | null) {
    return {
      clientId: `c${++this.clientSeq}`,
      sources: sources ? [...sources] : null,
      serverTime: new Date().toISOString(),
      cursor: this.log.at(-1)?.id ?? null,
    };
  }

  private replay(after: string | null, sources: Set<string> | null): Batch[] {
    if (after === null) return [];
    const [ms = 0, seq = 0] = after.split("-").map(Number);
    return this.log.filter((b) => {
      const [bms = 0, bseq = 0] = b.id.split("-").map(Number);
      const later = bms > ms || (bms === ms && bseq > seq);
      return later && (!sources || sources.has(b.source));
    });
  }

  private handleSse(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/api/v1/stream") {
      res.writeHead(404).end();
      return;
    }
    const list = url.searchParams.get("sources");
    const sources = list ? new Set(list.split(",")) : null;
    const header = req.headers["last-event-id"];
    const after = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("lastEventId");
    this.resumes.push(after ?? null);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
    res.write(`retry: 3000\n\nevent: connected\ndata: ${JSON.stringify(this.connected(sources))}\n\n`);
    const client: Client = {
      sources,
      send: (batch, text) => res.write(`id: ${batch.id}\nevent: metrics\ndata: ${text}\n\n`),
    };
    for (const batch of this.replay(after ?? null, sources)) client.send(batch, JSON.stringify(batch));
    this.clients.add(client);
    const ping = setInterval(() => {
      if (!this.silent) res.write(": ping\n\n");
    }, this.pingMs);
    this.timers.add(ping);
    res.on("close", () => {
      clearInterval(ping);
      this.timers.delete(ping);
      this.clients.delete(client);
    });
  }

  private handleWs(ws: WebSocket): void {
    const client: Client = {
      sources: new Set(),
      send: (_batch, text) => ws.send(`{"type":"metrics",${text.slice(1)}`),
    };
    ws.send(JSON.stringify({ type: "connected", ...this.connected(null) }));
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; sources?: string[]; lastEventId?: string };
      this.wsMessages.push(message);
      if (message.type === "subscribe") {
        if (!message.sources) client.sources = null;
        else if (client.sources) for (const s of message.sources) client.sources.add(s);
        if (message.lastEventId !== undefined || this.clients.has(client) === false) {
          this.resumes.push(message.lastEventId ?? null);
        }
        ws.send(JSON.stringify({ type: "subscribed", sources: client.sources ? [...client.sources] : null }));
        const replayFor = message.sources ? new Set(message.sources) : null;
        for (const batch of this.replay(message.lastEventId ?? null, replayFor))
          client.send(batch, JSON.stringify(batch));
        this.clients.add(client);
      } else if (message.type === "ping") {
        if (!this.silent) ws.send(JSON.stringify({ type: "pong", serverTime: new Date().toISOString() }));
      } else if (message.type === "unsubscribe") {
        if (!message.sources) client.sources = new Set();
        else for (const s of message.sources) client.sources?.delete(s);
        ws.send(JSON.stringify({ type: "unsubscribed", sources: message.sources ?? null }));
      }
    });
    ws.on("close", () => this.clients.delete(client));
  }
}
