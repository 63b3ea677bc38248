// What MetricsStream needs from a transport (SSE or WebSocket): open one connection, report
// what arrives, and say once how it ended and whether trying again makes sense.

export type StreamMessageName = "connected" | "metrics" | "anomaly" | "incident" | "reset";

export interface ConnectRequest {
  baseUrl: string;
  /** null: every source. */
  sources: readonly string[] | null;
  lastEventId: string | null;
  token: string | undefined;
}

export interface TransportEnd {
  reason: string;
  /** Retrying cannot help (401/403, 404, a refused subscription): stop. */
  fatal: boolean;
  /** The server asked for this wait (Retry-After). */
  retryAfterMs?: number;
}

export interface TransportHandlers {
  message(name: StreamMessageName, data: unknown): void;
  /** Anything arrived (a message, a heartbeat comment, a ping frame): the link is alive. */
  activity(): void;
  /** Called at most once per connection. */
  end(end: TransportEnd): void;
  /** A message the server sent that is not one of the above (WebSocket: subscribed, pong, error). */
  other?(type: string, data: unknown): void;
}

export interface Transport {
  /** Sends a control message (WebSocket only; SSE reconnects instead). */
  send?(message: object): void;
  /** Ends the connection without calling `end`. */
  close(): void;
  /**
   * The transport cannot see heartbeats (a browser's EventSource hides `: ping` comments), so a
   * quiet stream must not be taken for a dead one; it reports a broken link itself.
   */
  hidesHeartbeats?: boolean;
}

export type TransportFactory = (request: ConnectRequest, handlers: TransportHandlers) => Transport;

/** In Node (not a browser): decides between fetch/ws and EventSource/WebSocket. */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return (
    typeof proc?.versions?.node === "string" &&
    typeof (globalThis as { window?: unknown }).window === "undefined"
  );
}

export function statusIsFatal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
