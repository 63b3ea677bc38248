// WebSocket transport: `ws` in Node (headers carry the token; ping frames count as life), the
// global WebSocket in browsers (token in the query). Subscribes as soon as the socket opens.
import {
  isNode,
  type StreamMessageName,
  type Transport,
  type TransportHandlers,
  type ConnectRequest,
} from "./transport.ts";

const NAMES = new Set<string>(["connected", "metrics", "anomaly", "incident", "reset"]);
/**
 * Close codes after which reconnecting cannot help: unsupported data. (1008, the server's answer
 * to a flood of messages, is retried with backoff: this client's own messages are valid.)
 */
const FATAL_CLOSE_CODES = new Set([1003]);

interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
}

export function wsUrl(request: ConnectRequest, tokenInQuery: boolean): string {
  const url = new URL("/api/v1/ws", request.baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (tokenInQuery && request.token) url.searchParams.set("token", request.token);
  return url.toString();
}

export function connectWebSocket(request: ConnectRequest, handlers: TransportHandlers): Transport {
  let socket: SocketLike | null = null;
  let closed = false;
  let ended = false;
  let subscribed = false;
  let greeting: object | null = null;
  // Messages sent before the socket is open and subscribed go out right after the subscribe.
  const waiting: string[] = [];
  const end = (reason: string, fatal: boolean) => {
    if (ended || closed) return;
    ended = true;
    handlers.end({ reason, fatal });
  };
  const subscribe = () => {
    const message: Record<string, unknown> = { type: "subscribe" };
    if (request.sources) message.sources = request.sources;
    if (request.lastEventId) message.lastEventId = request.lastEventId;
    socket?.send(JSON.stringify(message));
    subscribed = true;
    for (const text of waiting.splice(0)) socket?.send(text);
  };
  const receive = (text: string) => {
    handlers.activity();
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== "object" || message === null) return;
    const { type, ...rest } = message as { type?: unknown };
    if (typeof type !== "string") return;
    if (type === "connected") {
      // Connected means "following": hold it until the subscription (and its replay) is in place.
      greeting = rest;
    } else if (type === "subscribed" && greeting !== null) {
      handlers.message("connected", greeting);
      greeting = null;
    } else if (NAMES.has(type)) handlers.message(type as StreamMessageName, rest);
    else handlers.other?.(type, rest);
  };

  if (isNode()) {
    void import("ws")
      .then(({ WebSocket }) => {
        if (closed) return;
        const headers: Record<string, string> = {};
        if (request.token) headers.authorization = `Bearer ${request.token}`;
        const ws = new WebSocket(wsUrl(request, false), { headers, perMessageDeflate: false });
        socket = ws;
        ws.on("open", subscribe);
        ws.on("message", (data) => receive(String(data)));
        ws.on("ping", () => handlers.activity());
        ws.on("unexpected-response", (_req, res) => {
          const status = res.statusCode ?? 0;
          res.resume();
          ws.terminate();
          end(`HTTP ${status} on upgrade`, status >= 400 && status < 500 && status !== 429);
        });
        ws.on("error", (error) => end(error.message, false));
        ws.on("close", (code, reason) =>
          end(`closed ${code} ${String(reason)}`.trim(), FATAL_CLOSE_CODES.has(code)),
        );
      })
      .catch((error: unknown) => end(`cannot load ws: ${String(error)}`, true));
  } else {
    type Browser = SocketLike & {
      onopen: (() => void) | null;
      onmessage: ((event: { data: unknown }) => void) | null;
      onclose: ((event: { code: number; reason: string }) => void) | null;
      onerror: (() => void) | null;
    };
    const WebSocketImpl = (globalThis as unknown as { WebSocket?: new (url: string) => Browser }).WebSocket;
    if (!WebSocketImpl) throw new Error("this environment has no WebSocket");
    const ws = new WebSocketImpl(wsUrl(request, true));
    socket = ws;
    ws.onopen = subscribe;
    ws.onmessage = (event) => receive(String(event.data));
    ws.onclose = (event) =>
      end(`closed ${event.code} ${event.reason}`.trim(), FATAL_CLOSE_CODES.has(event.code));
    ws.onerror = () => {};
  }

  return {
    send(message) {
      const text = JSON.stringify(message);
      if (socket && subscribed && socket.readyState === 1) socket.send(text);
      else waiting.push(text);
    },
    close() {
      closed = true;
      const current = socket;
      socket = null;
      if (!current) return;
      const terminate = (current as { terminate?: () => void }).terminate;
      if (terminate) terminate.call(current);
      else current.close(1000, "client closed");
    },
  };
}
