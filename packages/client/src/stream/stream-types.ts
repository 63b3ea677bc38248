// The public shapes of MetricsStream: its options, states and the events it emits.
import type { Anomaly, Batch, Connected, IncidentEvent, Reset } from "../types.ts";

export type StreamTransport = "sse" | "websocket";
export type StreamState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface ReconnectPolicy {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Consecutive failed attempts before giving up (the stream then closes); Infinity: never. */
  maxAttempts: number;
}

export interface MetricsStreamOptions {
  baseUrl: string;
  /** Sources to follow; omitted: all of them. */
  sources?: string[];
  transport?: StreamTransport;
  /** Read token. */
  token?: string;
  /** Resume after this cursor (a batch `m-s` or event `m-s-i` cursor). */
  lastEventId?: string;
  reconnect?: Partial<ReconnectPolicy>;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. Default 60 s. */
  heartbeatTimeoutMs?: number;
}

/** Where the stream stands, for a status display: emitted as `status` on every change. */
export interface StreamStatus {
  state: StreamState;
  transport: StreamTransport;
  /** Consecutive failed attempts since the stream was last open (0 while open). */
  failures: number;
  /** When reconnecting: the wait before the next attempt. */
  retryInMs: number | null;
}

export interface ConnectInfo extends Connected {
  transport: StreamTransport;
  /** 0 for the first connection, then 1, 2… for each reconnection. */
  reconnects: number;
}

export interface DisconnectInfo {
  reason: string;
  willReconnect: boolean;
  /** Delay before the next attempt, when there is one. */
  retryInMs?: number;
}

export interface ResetInfo extends Reset {
  /** The cursor the client had: reload through REST `GET /api/v1/metrics?after=` from it. */
  previousCursor: string | null;
}

export interface MetricsStreamEvents {
  metrics: (batch: Batch) => void;
  anomaly: (anomaly: Anomaly) => void;
  /** An incident opened or resolved (SPEC 14); it never moves the resume cursor. */
  incident: (event: IncidentEvent) => void;
  reset: (reset: ResetInfo) => void;
  connect: (info: ConnectInfo) => void;
  disconnect: (info: DisconnectInfo) => void;
  error: (error: Error) => void;
  status: (status: StreamStatus) => void;
}
