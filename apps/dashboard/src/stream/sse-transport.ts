// Server-Sent Events transport. The browser's own EventSource retry is switched off (we close on
// the first error) so that reconnects follow our backoff and resume from our cursor, which may
// have moved on through polling meanwhile.
import type { Anomaly, Batch, Connected, Reset } from "@scrapewatch/protocol";
import { type OpenTransport, streamQuery, type TransportEvents, type TransportOptions } from "./transport.ts";
import type { SourceSelection } from "./types.ts";

type EventSourceCtor = new (url: string) => EventSource;

export function sseTransport(EventSourceImpl: EventSourceCtor = EventSource): OpenTransport {
  return (options, events) => new SseStream(EventSourceImpl, options, events);
}

class SseStream {
  private source: EventSource | null = null;
  private dead = false;

  constructor(
    private readonly EventSourceImpl: EventSourceCtor,
    private readonly options: TransportOptions,
    private readonly events: TransportEvents,
  ) {
    this.open(options.sources, options.lastEventId);
  }

  resubscribe(sources: SourceSelection, lastEventId: string | null): void {
    if (this.dead) return;
    this.source?.close();
    this.open(sources, lastEventId);
  }

  close(): void {
    this.dead = true;
    this.source?.close();
    this.source = null;
  }

  private open(sources: SourceSelection, lastEventId: string | null): void {
    const query = streamQuery({ sources, lastEventId, token: this.options.token });
    const source = new this.EventSourceImpl(`${this.options.origin}/api/v1/stream${query}`);
    this.source = source;
    const current = () => this.source === source && !this.dead;
    source.addEventListener("connected", (e) => {
      if (!current()) return;
      const info = parse<Connected>(e);
      this.events.open(info?.cursor ?? null);
    });
    source.addEventListener("metrics", (e) => {
      const batch = parse<Batch>(e);
      if (current() && batch) this.events.batch(batch);
    });
    source.addEventListener("anomaly", (e) => {
      const anomaly = parse<Anomaly>(e);
      if (current() && anomaly) this.events.anomaly(anomaly);
    });
    source.addEventListener("reset", (e) => {
      const reset = parse<Reset>(e);
      if (current() && reset) this.events.reset(reset);
    });
    source.addEventListener("error", () => {
      if (!current()) return;
      this.close();
      this.events.down("stream error");
    });
  }
}

function parse<T>(event: Event): T | null {
  const data = (event as MessageEvent<string>).data;
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
}
