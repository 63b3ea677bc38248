// GET /api/v1/stream: Server-Sent Events. A batch is encoded once, already framed as an HTTP
// chunk, and that same Buffer is written straight to every client's socket: one synchronous
// write per client (never an await on a slow socket), and the bytes a client has not taken are
// known exactly (writableLength) for the slow-consumer cap.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { FrameEncoder } from "@scrapewatch/hub";
import type { Anomaly, Batch, Connected, IncidentEvent, Reset } from "@scrapewatch/protocol";
import type { App } from "../app-types.ts";
import { ApiError } from "../http/api-error.ts";
import { streamClientKey } from "./client-key.ts";
import { parseSourcesQuery } from "./sources-query.ts";
import { sseRoute } from "./stream-routes.ts";
import { CoalescedWrites } from "./coalesced-writes.ts";
import { ClientGone, StreamClient, type StreamClientOptions } from "./stream-client.ts";
import type { Streams } from "./streams.ts";

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;

/** Text framed as one chunk of a chunked HTTP/1.1 body: `<hex length>\r\n<bytes>\r\n`. */
function chunk(text: string): Buffer {
  const length = Buffer.byteLength(text);
  return Buffer.from(`${length.toString(16)}\r\n${text}\r\n`);
}

/** The bytes inside a chunk, for the rare client without chunked encoding (HTTP/1.0). */
function unchunked(frame: Buffer): Buffer {
  return frame.subarray(frame.indexOf("\r\n") + 2, frame.length - 2);
}

const RETRY = "retry: 3000\n\n";
export const SSE_PING = chunk(": ping\n\n");

function eventText(name: string, data: unknown, id?: string | null): string {
  const idLine = id ? `id: ${id}\n` : "";
  return `event: ${name}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

function event(name: string, data: unknown, id?: string | null): Buffer {
  return chunk(eventText(name, data, id));
}

export const sseEncoder: FrameEncoder<Buffer> = {
  name: "sse",
  batch: (batch: Batch) => event("metrics", batch, batch.id),
  anomaly: (anomaly: Anomaly) => event("anomaly", anomaly),
  // No id: an incident never moves the resume cursor.
  incident: (incident: IncidentEvent) => event("incident", incident),
};

export class SseClient extends StreamClient {
  readonly transport = "sse" as const;
  private readonly socket: Socket;
  private readonly chunked: boolean;
  private readonly writes = new CoalescedWrites();

  /** `res` must have sent its headers (flushHeaders): frames then go to the socket directly. */
  constructor(
    private readonly res: ServerResponse,
    options: StreamClientOptions,
  ) {
    super(sseEncoder, options);
    if (!res.socket) throw new Error("SSE response without a socket");
    this.socket = res.socket;
    this.chunked = (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  }

  protected get buffered(): number {
    return this.socket.writableLength;
  }

  protected write(frame: Buffer): void {
    if (this.socket.destroyed) return;
    this.writes.write(this.socket, this.chunked ? frame : unchunked(frame));
  }

  protected drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.res.destroyed) return reject(new ClientGone());
      const done = () => {
        this.socket.off("drain", done);
        this.res.off("close", done);
        if (this.closed || this.res.destroyed) reject(new ClientGone());
        else resolve();
      };
      this.socket.once("drain", done);
      this.res.once("close", done);
    });
  }

  protected terminate(): void {
    this.res.destroy();
  }

  end(): void {
    this.closed = true;
    this.res.end();
  }
}

export function registerSse(app: App): void {
  app.openapi(sseRoute, (c) => {
    const services = c.get("services");
    const streams = services.streams;
    const sources = parseSourcesQuery(c.req.query("sources"));
    const lastEventId = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    if (streams.isClosing) throw new ApiError("shutting_down", "the server is shutting down", undefined, 5);
    if (!streams.hasRoom()) {
      throw new ApiError("too_many_clients", "too many streaming clients; retry later", undefined, 5);
    }
    const clientKey = streamClientKey(c);
    streams.assertRoomFor(clientKey);
    const res = (c.env as HttpBindings).outgoing;
    // Headers set by middleware (request id, CORS) wait in the context for a Hono response; this
    // one bypasses Hono, so they are carried over. (Reading c.res would create a response that
    // Hono then sends instead of RESPONSE_ALREADY_SENT.)
    const inherited: Record<string, string> = {};
    c.newResponse(null).headers.forEach((value, key) => {
      if (key !== "content-type" && key !== "content-length") inherited[key] = value;
    });
    res.writeHead(200, { ...inherited, ...SSE_HEADERS });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const client = new SseClient(res, {
      maxBufferBytes: services.env.MAX_CLIENT_BUFFER_BYTES,
      onSlow: streams.onSlow,
      replayTimeoutMs: services.env.SLOW_CLIENT_TIMEOUT_MS,
    });
    client.sources = sources;
    client.clientKey = clientKey;
    streams.attach(client);
    res.on("close", () => {
      client.closed = true;
      streams.detach(client);
    });
    const connected: Connected = {
      clientId: client.id,
      sources: sources ? [...sources] : null,
      serverTime: new Date().toISOString(),
      cursor: streams.newestCursor,
    };
    client.writeChecked(chunk(RETRY + eventText("connected", connected)));
    void streams.subscribe(client, lastEventId, (reason, cursor) => {
      const reset: Reset = { reason, cursor };
      // The id moves EventSource's Last-Event-ID on, so its next reconnect does not loop here.
      client.writeChecked(event("reset", reset, cursor));
    });
    return RESPONSE_ALREADY_SENT;
  });
}

/** Writes `: ping` to every SSE client each interval so proxies keep the stream open. */
export function startSseHeartbeat(streams: Streams, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const client of streams.each("sse")) client.writeChecked(SSE_PING);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
