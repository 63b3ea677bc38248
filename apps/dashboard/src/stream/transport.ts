// The contract between the connection manager and one streaming transport (SSE or WebSocket).
import type { Anomaly, Batch, Reset } from "@scrapewatch/protocol";
import type { SourceSelection } from "./types.ts";

export interface TransportEvents {
  /** The server accepted the stream; `cursor` is the newest cursor it has delivered. */
  open(cursor: string | null): void;
  batch(batch: Batch): void;
  anomaly(anomaly: Anomaly): void;
  reset(reset: Reset): void;
  /** The stream failed or ended; the transport is dead and must not emit again. */
  down(reason: string): void;
}

export interface TransportOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:3000` (the page's own origin in the browser). */
  origin: string;
  sources: SourceSelection;
  lastEventId: string | null;
  token: string | null;
}

export interface Transport {
  /** Changes the subscription, resuming after `lastEventId` for what is newly subscribed. */
  resubscribe(sources: SourceSelection, lastEventId: string | null): void;
  close(): void;
}

export type OpenTransport = (options: TransportOptions, events: TransportEvents) => Transport;

export function streamQuery(options: {
  sources?: SourceSelection;
  lastEventId?: string | null;
  token: string | null;
}): string {
  const params = new URLSearchParams();
  if (options.sources) params.set("sources", options.sources.join(","));
  if (options.lastEventId) params.set("lastEventId", options.lastEventId);
  if (options.token) params.set("token", options.token);
  const text = params.toString();
  return text ? `?${text}` : "";
}
