// A small real stream server for the SDK's tests: SSE and WebSocket as SPEC 3-4 describe them,
// with a batch log kept across stop()/start() (as the real server keeps it in its database), so
// resuming across a restart can be tested. It can require a token, answer `reset` for cursors it
// no longer keeps, go silent (heartbeat tests) and serve the built SDK to a browser.
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import { type WebSocket, WebSocketServer } from "ws";
import type { Anomaly, Batch, IncidentEvent, Metric } from "../src/types.ts";

export interface StreamServerOptions {
  /** Require this read token (Bearer header or ?token=). */
  token?: string;
  /** Serve the files of this directory under /sdk/ (for browser tests). */
  sdkDir?: string;
}

interface Client {
  sources: Set<string> | null;
  send(text: string, batch: Batch): void;
  /** An event without a cursor (anomaly, incident). */
  notice(name: string, data: object): void;
}

const RESET_REASON = "cursor older than the replay window";

export class StreamServer {
  readonly log: Batch[] = [];
  /** The resume cursor each connection asked for (null: none). */
  readonly resumes: (string | null)[] = [];
  readonly wsMessages: { type: string; sources?: string[]; lastEventId?: string }[] = [];
  /** Send no ping comments or pongs (the link looks dead to a client watching for heartbeats). */
  silent = false;
  pingMs = 50;
  /** Batches before this cursor are no longer kept: resuming before it gets `reset`. */
  oldestKept: string | null = null;
  port = 0;
  private readonly clients = new Set<Client>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private clientSeq = 0;

  constructor(private readonly options: StreamServerOptions = {}) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.clients.size;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handleHttp(req, res));
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/api/v1/ws")) return socket.destroy();
      if (!this.authorized(req)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
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
      if (!client.sources || client.sources.has(source)) client.send(text, batch);
    return batch;
  }

  publishAnomaly(source: string): Anomaly {
    const anomaly: Anomaly = {
      id: `anomaly-${Date.now()}`,
      source,
      metric: "navigationDuration",
      value: 9000,
      baseline: 1200,
      deviationScore: 7.5,
      direction: "spike",
      detectedAt: new Date().toISOString(),
    };
    this.notice(source, "anomaly", anomaly);
    return anomaly;
  }

  publishIncident(source: string, action: "opened" | "resolved"): IncidentEvent {
    const openedAt = new Date().toISOString();
    const event: IncidentEvent = {
      action,
      incident: {
        id: `incident-${source}`,
        source,
        kind: "silence",
        state: action === "opened" ? "open" : "resolved",
        openedAt,
        resolvedAt: action === "opened" ? null : new Date().toISOString(),
        summary: `${source} has sent nothing for 5 minutes`,
        key: "",
        details: {},
        silenced: false,
        notifications: [],
      },
    };
    this.notice(source, "incident", event);
    return event;
  }

  private notice(source: string, name: string, data: object): void {
    for (const client of this.clients)
      if (!client.sources || client.sources.has(source)) client.notice(name, data);
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.options.token) return true;
    const query = new URL(req.url ?? "/", "http://x").searchParams.get("token");
    return req.headers.authorization === `Bearer ${this.options.token}` || query === this.options.token;
  }

  private connected(sources: Set<string> | null) {
    return {
      clientId: `c${++this.clientSeq}`,
      sources: sources ? [...sources] : null,
      serverTime: new Date().toISOString(),
      cursor: this.log.at(-1)?.id ?? null,
    };
  }

  /** What a resuming client gets: the later batches, or a reset when its cursor is too old. */
  private resume(
    after: string | null,
    sources: Set<string> | null,
  ): { reset: object } | { batches: Batch[] } {
    if (after === null) return { batches: [] };
    const [ms = 0, seq = 0] = after.split("-").map(Number);
    if (this.oldestKept !== null) {
      const [oms = 0, oseq = 0] = this.oldestKept.split("-").map(Number);
      if (ms < oms || (ms === oms && seq < oseq)) {
        return { reset: { reason: RESET_REASON, cursor: this.log.at(-1)?.id ?? null } };
      }
    }
    const batches = this.log.filter((b) => {
      const [bms = 0, bseq = 0] = b.id.split("-").map(Number);
      const later = bms > ms || (bms === ms && bseq > seq);
      return later && (!sources || sources.has(b.source));
    });
    return { batches };
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const sdkDir = this.options.sdkDir;
    if (sdkDir && url.pathname.startsWith("/sdk/")) {
      const file = normalize(join(sdkDir, url.pathname.slice("/sdk/".length)));
      const body = file.startsWith(sdkDir) ? await readFile(file).catch(() => null) : null;
      if (!body) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "text/javascript" }).end(body);
      return;
    }
    if (url.pathname === "/page.html") {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>stream</title>");
      return;
    }
    if (url.pathname !== "/api/v1/stream") {
      res.writeHead(404).end();
      return;
    }
    if (!this.authorized(req)) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthorized"}}');
      return;
    }
    this.handleSse(req, res, url);
  }

  private handleSse(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const list = url.searchParams.get("sources");
    const sources = list ? new Set(list.split(",")) : null;
    const header = req.headers["last-event-id"];
    const after = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("lastEventId");
    this.resumes.push(after ?? null);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
    res.write(`retry: 3000\n\nevent: connected\ndata: ${JSON.stringify(this.connected(sources))}\n\n`);
    const client: Client = {
      sources,
      send: (text, batch) => res.write(`id: ${batch.id}\nevent: metrics\ndata: ${text}\n\n`),
      notice: (name, data) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    };
    const resumed = this.resume(after ?? null, sources);
    if ("reset" in resumed) res.write(`event: reset\ndata: ${JSON.stringify(resumed.reset)}\n\n`);
    else for (const batch of resumed.batches) client.send(JSON.stringify(batch), batch);
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
      send: (text) => ws.send(`{"type":"metrics",${text.slice(1)}`),
      notice: (name, data) => ws.send(JSON.stringify({ type: name, ...data })),
    };
    ws.send(JSON.stringify({ type: "connected", ...this.connected(null) }));
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; sources?: string[]; lastEventId?: string };
      this.wsMessages.push(message);
      if (message.type === "subscribe") this.wsSubscribe(ws, client, message);
      else if (message.type === "ping") {
        if (!this.silent) ws.send(JSON.stringify({ type: "pong", serverTime: new Date().toISOString() }));
      } else if (message.type === "unsubscribe") {
        if (!message.sources) client.sources = new Set();
        else for (const source of message.sources) client.sources?.delete(source);
        ws.send(JSON.stringify({ type: "unsubscribed", sources: message.sources ?? null }));
      }
    });
    ws.on("close", () => this.clients.delete(client));
  }

  private wsSubscribe(
    ws: WebSocket,
    client: Client,
    message: { sources?: string[]; lastEventId?: string },
  ): void {
    if (!message.sources) client.sources = null;
    else if (client.sources) for (const source of message.sources) client.sources.add(source);
    if (!this.clients.has(client)) this.resumes.push(message.lastEventId ?? null);
    ws.send(JSON.stringify({ type: "subscribed", sources: client.sources ? [...client.sources] : null }));
    const resumed = this.resume(
      message.lastEventId ?? null,
      message.sources ? new Set(message.sources) : null,
    );
    if ("reset" in resumed) ws.send(JSON.stringify({ type: "reset", ...resumed.reset }));
    else for (const batch of resumed.batches) client.send(JSON.stringify(batch), batch);
    this.clients.add(client);
  }
}
