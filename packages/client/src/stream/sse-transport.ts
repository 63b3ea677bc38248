// SSE transport: in Node a fetch whose body is parsed as it streams (headers carry the token and
// Last-Event-ID); in browsers the EventSource (query carries both, and its own retry is off).
import { parseRetryAfter } from "../backoff.ts";
import { SseParser } from "./sse-parser.ts";
import {
  type ConnectRequest,
  isNode,
  type StreamMessageName,
  statusIsFatal,
  type Transport,
  type TransportHandlers,
} from "./transport.ts";

const NAMES: readonly StreamMessageName[] = ["connected", "metrics", "anomaly", "incident", "reset"];

export function streamUrl(request: ConnectRequest, inQuery: boolean): string {
  const url = new URL("/api/v1/stream", request.baseUrl);
  if (request.sources) url.searchParams.set("sources", request.sources.join(","));
  if (inQuery && request.lastEventId) url.searchParams.set("lastEventId", request.lastEventId);
  if (inQuery && request.token) url.searchParams.set("token", request.token);
  return url.toString();
}

export function connectSse(request: ConnectRequest, handlers: TransportHandlers): Transport {
  return isNode() ? fetchSse(request, handlers) : eventSourceSse(request, handlers);
}

function fetchSse(request: ConnectRequest, handlers: TransportHandlers): Transport {
  const abort = new AbortController();
  let ended = false;
  const end = (reason: string, fatal: boolean, retryAfterMs?: number) => {
    if (ended) return;
    ended = true;
    handlers.end({ reason, fatal, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  };
  const headers: Record<string, string> = { accept: "text/event-stream", "cache-control": "no-cache" };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.lastEventId) headers["last-event-id"] = request.lastEventId;

  void (async () => {
    try {
      const response = await fetch(streamUrl(request, false), { headers, signal: abort.signal });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => "");
        const retryAfter = parseRetryAfter(response.headers.get("retry-after")) ?? undefined;
        return end(
          `HTTP ${response.status} ${text.slice(0, 200)}`.trim(),
          statusIsFatal(response.status),
          retryAfter,
        );
      }
      const parser = new SseParser({
        event: ({ event, data }) => deliver(handlers, event, data),
        comment: () => handlers.activity(),
      });
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        handlers.activity();
        parser.feed(decoder.decode(value, { stream: true }));
      }
      end("the server ended the stream", false);
    } catch (error) {
      if (!abort.signal.aborted) end(error instanceof Error ? error.message : String(error), false);
    }
  })();

  return {
    close() {
      ended = true;
      abort.abort();
    },
  };
}

interface BrowserEventSource {
  addEventListener(name: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
  onerror: (() => void) | null;
}
type EventSourceConstructor = new (url: string) => BrowserEventSource;

function eventSourceSse(request: ConnectRequest, handlers: TransportHandlers): Transport {
  const EventSourceImpl = (globalThis as unknown as { EventSource?: EventSourceConstructor }).EventSource;
  if (!EventSourceImpl)
    throw new Error("this environment has neither Node's fetch streaming nor EventSource");
  const source = new EventSourceImpl(streamUrl(request, true));
  let ended = false;
  for (const name of NAMES) {
    source.addEventListener(name, (event) => {
      handlers.activity();
      deliver(handlers, name, String(event.data ?? ""));
    });
  }
  // EventSource would retry by itself, without our backoff or cursor: close it and let
  // MetricsStream decide. (It does not tell the status, so nothing is taken as fatal.)
  source.onerror = () => {
    if (ended) return;
    ended = true;
    source.close();
    handlers.end({ reason: "the event stream failed", fatal: false });
  };
  return {
    hidesHeartbeats: true,
    close() {
      ended = true;
      source.close();
    },
  };
}

function deliver(handlers: TransportHandlers, name: string, data: string): void {
  if (!(NAMES as readonly string[]).includes(name)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  handlers.message(name as StreamMessageName, parsed);
}
