// GET /api/v1/ws: the WebSocket transport, upgraded on the same port by @hono/node-server's
// built-in support over `ws`. A batch is encoded once as a complete WebSocket frame and that
// Buffer is written to every client's socket; every client message is checked (size, JSON,
// type, fields, rate) and answered, never trusted.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { upgradeWebSocket } from "@hono/node-server";
import type { FrameEncoder } from "@scrapewatch/hub";
import type {
  Anomaly,
  Batch,
  ClientMessage,
  IncidentEvent,
  ServerMessage,
  WsErrorCode,
} from "@scrapewatch/protocol";
import { MAX_SOURCES_PER_SUBSCRIPTION } from "@scrapewatch/protocol";
import { type WebSocket, WebSocketServer } from "ws";
import type { MiddlewareHandler } from "hono";
import type { App, AppEnv } from "../app-types.ts";
import { ApiError } from "../http/api-error.ts";
import { streamClientKey } from "./client-key.ts";
import { parseSourcesQuery } from "./sources-query.ts";
import { wsRoute } from "./stream-routes.ts";
import { CoalescedWrites } from "./coalesced-writes.ts";
import { ClientGone, StreamClient, type StreamClientOptions } from "./stream-client.ts";
import type { Streams } from "./streams.ts";
import { parseClientFrame } from "./ws-messages.ts";

/** ws refuses frames over this itself (close 1009); up to it, oversize frames get an error. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_MESSAGES_PER_SECOND = 20;
const MAX_BAD_MESSAGES = 10;

export function createWebSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
}

/**
 * A complete unmasked text frame (RFC 6455 §5.2: FIN + opcode 1, then the length). Writing it
 * to the socket ourselves is sound because permessage-deflate is off: ws's sender then never
 * queues, so our frames, its pings and its close frame go out in call order.
 */
function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, "utf8");
  return frame;
}

function message(payload: ServerMessage): Buffer {
  return textFrame(JSON.stringify(payload));
}

/** `{"type":"metrics", …batch}` without a per-client spread: the batch JSON is spliced once. */
function typed(type: string, body: object): Buffer {
  const json = JSON.stringify(body);
  return textFrame(json === "{}" ? `{"type":"${type}"}` : `{"type":"${type}",${json.slice(1)}`);
}

export const wsEncoder: FrameEncoder<Buffer> = {
  name: "websocket",
  batch: (batch: Batch) => typed("metrics", batch),
  anomaly: (anomaly: Anomaly) => typed("anomaly", anomaly),
  incident: (incident: IncidentEvent) => typed("incident", incident),
};

export class WsClient extends StreamClient {
  readonly transport = "websocket" as const;
  alive = true;
  /** The payload of our last ping: only a pong echoing it proves the peer is reading. */
  private pingPayload: Buffer | null = null;
  private readonly writes = new CoalescedWrites();

  /** `tcp` is the upgraded connection under `socket`, where frames are written. */
  constructor(
    readonly socket: WebSocket,
    private readonly tcp: Socket,
    options: StreamClientOptions,
  ) {
    super(wsEncoder, options);
    socket.on("pong", (data: Buffer) => {
      // An unsolicited pong (RFC 6455 allows them) says nothing about our pings being read.
      if (this.pingPayload?.equals(data)) this.alive = true;
    });
  }

  protected get buffered(): number {
    return this.tcp.writableLength;
  }

  protected write(frame: Buffer): void {
    // After close() the close frame is out: nothing may follow it.
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.writes.write(this.tcp, frame);
  }

  protected drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.socket.readyState !== this.socket.OPEN) return reject(new ClientGone());
      const done = () => {
        this.tcp.off("drain", done);
        this.tcp.off("close", done);
        if (this.closed || this.tcp.destroyed) reject(new ClientGone());
        else resolve();
      };
      this.tcp.once("drain", done);
      this.tcp.once("close", done);
    });
  }

  protected terminate(): void {
    this.socket.terminate();
  }

  end(code = 1001, reason = "server shutting down"): void {
    this.closed = true;
    this.socket.close(code, reason);
  }

  send(payload: ServerMessage): void {
    this.writeChecked(message(payload));
  }

  /** One heartbeat round: a peer that did not answer the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) {
      this.closed = true;
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.pingPayload = randomBytes(8);
    this.socket.ping(this.pingPayload);
  }
}

/** One connection's conversation: limits, and subscribe/unsubscribe/ping/status. */
class WsSession {
  private bad = 0;
  private windowStart = Date.now();
  private inWindow = 0;
  /** Subscriptions run one after another, so a resume finishes before the next change. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: WsClient,
    private readonly streams: Streams,
  ) {}

  onMessage(data: unknown): void {
    if (this.client.closed) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    this.inWindow += 1;
    if (this.inWindow > MAX_MESSAGES_PER_SECOND) {
      this.error("rate_limited", `more than ${MAX_MESSAGES_PER_SECOND} messages per second`);
      this.client.end(1008, "message rate limit exceeded");
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.error(parsed.code, parsed.message);
      this.bad += 1;
      if (this.bad >= MAX_BAD_MESSAGES) this.client.end(1008, "too many invalid messages");
      return;
    }
    this.handle(parsed.message);
  }

  subscribe(sources: readonly string[] | undefined, lastEventId: string | undefined): void {
    const { client } = this;
    let next: Set<string> | null = null;
    if (sources !== undefined) {
      next = client.sources === null ? null : new Set([...client.sources, ...sources]);
    }
    if (next && next.size > MAX_SOURCES_PER_SUBSCRIPTION) {
      this.error("too_many_sources", `at most ${MAX_SOURCES_PER_SUBSCRIPTION} sources per connection`);
      return;
    }
    this.enqueue(async () => {
      if (client.closed) return;
      client.sources = next;
      client.send({ type: "subscribed", sources: next ? [...next] : null });
      await this.streams.subscribe(client, lastEventId, (reason, cursor) =>
        client.send({ type: "reset", reason, cursor }),
      );
    });
  }

  /** Runs a subscription change after the previous ones; a failure ends only this connection. */
  private enqueue(step: () => Promise<void> | void): void {
    const { client } = this;
    // Caught here: a rejected chain would be an unhandled rejection and block later messages.
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.streams.logFailure("subscription change failed", client, error);
      client.end(1011, "subscription change failed");
    });
  }

  private handle(message: ClientMessage): void {
    const { client } = this;
    switch (message.type) {
      case "subscribe":
        this.subscribe(message.sources, message.lastEventId);
        return;
      case "unsubscribe":
        this.enqueue(() => {
          if (client.closed) return;
          if (message.sources === undefined) client.sources = new Set();
          else if (client.sources === null) {
            this.error("invalid_message", "subscribed to every source: unsubscribe without sources first");
            return;
          } else for (const source of message.sources) client.sources.delete(source);
          if (client.sources.size === 0) this.streams.fanout.remove(client);
          else this.streams.fanout.add(client);
          client.send({ type: "unsubscribed", sources: [...client.sources] });
        });
        return;
      case "ping":
        client.send({ type: "pong", serverTime: new Date().toISOString() });
        return;
      case "status":
        client.send({
          type: "status",
          clientId: client.id,
          sources: client.sources ? [...client.sources] : null,
          cursor: client.cursor,
          delivered: client.delivered,
          connectedAt: client.connectedAt.toISOString(),
        });
        return;
    }
  }

  private error(code: WsErrorCode, text: string): void {
    this.client.send({ type: "error", code, message: text });
  }
}

export function registerWs(app: App): void {
  const upgrade = upgradeWebSocket((c) => {
    const { env, streams } = c.get("services");
    const tcp = (c.env as { incoming: IncomingMessage }).incoming.socket;
    const clientKey = streamClientKey(c);
    const sources = parseSourcesQuery(c.req.query("sources"));
    const lastEventId = c.req.query("lastEventId");
    const subscribeAtOnce = c.req.query("sources") !== undefined || lastEventId !== undefined;
    let client: WsClient | null = null;
    let session: WsSession | null = null;
    return {
      onOpen(_event, ws) {
        const socket = ws.raw as unknown as WebSocket;
        if (!streams.hasRoom()) {
          socket.close(1013, streams.isClosing ? "server shutting down" : "too many clients");
          return;
        }
        // Checked at the upgrade (429) too; this catches upgrades that raced past that check.
        if (!streams.hasRoomFor(clientKey)) {
          socket.close(1008, "too many streams for this client");
          return;
        }
        client = new WsClient(socket, tcp, {
          maxBufferBytes: env.MAX_CLIENT_BUFFER_BYTES,
          onSlow: streams.onSlow,
          replayTimeoutMs: env.SLOW_CLIENT_TIMEOUT_MS,
        });
        client.sources = new Set();
        client.clientKey = clientKey;
        streams.attach(client);
        session = new WsSession(client, streams);
        client.send({
          type: "connected",
          clientId: client.id,
          sources: [],
          serverTime: new Date().toISOString(),
          cursor: streams.newestCursor,
        });
        if (subscribeAtOnce) session.subscribe(sources ? [...sources] : undefined, lastEventId);
      },
      onMessage(event) {
        session?.onMessage(event.data);
      },
      onClose() {
        if (!client) return;
        client.closed = true;
        streams.detach(client);
      },
    };
  });
  // Refused before the upgrade (an HTTP 429) when this token or address holds too many streams.
  const roomForClient: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.get("services").streams.assertRoomFor(streamClientKey(c));
    await next();
  };
  app.openapi(
    {
      ...wsRoute,
      // The token is checked before the upgrade: a refused client gets an HTTP answer.
      middleware: [wsRoute.middleware, roomForClient, upgrade],
    },
    () => {
      // upgradeWebSocket answered an upgrade request; anything else reaches here.
      throw new ApiError("upgrade_required", "this route only answers a WebSocket upgrade");
    },
  );
}

/** Pings every WebSocket client each interval and terminates those that did not answer. */
export function startWsHeartbeat(streams: Streams, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const client of streams.each("websocket")) if (client instanceof WsClient) client.heartbeat();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
