// Fan-out of sealed batches (and anomalies) to subscribers, indexed by source so a batch costs
// only its own subscribers. Each batch is serialized once per transport, never once per client:
// every subscriber of a transport receives the same frame object.
import type { Anomaly, Batch, IncidentEvent } from "@scrapewatch/protocol";

/** How one transport turns a message into the bytes it writes (shared by all its clients). */
export interface FrameEncoder<Frame = unknown> {
  readonly name: string;
  batch(batch: Batch): Frame;
  anomaly(anomaly: Anomaly): Frame;
  incident(event: IncidentEvent): Frame;
}

export interface Subscriber<Frame = unknown> {
  readonly encoder: FrameEncoder<Frame>;
  /** The sources the subscriber receives; null for all of them. */
  readonly sources: ReadonlySet<string> | null;
  deliverBatch(batch: Batch, frame: Frame): void;
  deliverAnomaly(anomaly: Anomaly, frame: Frame): void;
  /** An incident opened or resolved (SPEC 14); never a cursor, like an anomaly. */
  deliverIncident(event: IncidentEvent, frame: Frame): void;
}

// Method parameters are bivariant, so a Subscriber<Buffer> is a Subscriber<unknown>; the frame it
// receives always comes from its own encoder.
type AnySubscriber = Subscriber<unknown>;

export class FanOut {
  private readonly everything = new Set<AnySubscriber>();
  private readonly bySource = new Map<string, Set<AnySubscriber>>();
  /** Each member and the sources it is indexed under (null: all). */
  private readonly members = new Map<AnySubscriber, string[] | null>();

  get size(): number {
    return this.members.size;
  }

  /** Adds a subscriber, or re-indexes it after its sources changed. */
  add(subscriber: AnySubscriber): void {
    this.unindex(subscriber);
    if (subscriber.sources === null) {
      this.everything.add(subscriber);
      this.members.set(subscriber, null);
      return;
    }
    const sources = [...subscriber.sources];
    for (const source of sources) {
      let set = this.bySource.get(source);
      if (!set) {
        set = new Set();
        this.bySource.set(source, set);
      }
      set.add(subscriber);
    }
    this.members.set(subscriber, sources);
  }

  remove(subscriber: AnySubscriber): void {
    this.unindex(subscriber);
    this.members.delete(subscriber);
  }

  has(subscriber: AnySubscriber): boolean {
    return this.members.has(subscriber);
  }

  publishBatch(batch: Batch): void {
    this.publish(
      batch.source,
      (encoder) => encoder.batch(batch),
      (s, frame) => s.deliverBatch(batch, frame),
    );
  }

  publishAnomaly(anomaly: Anomaly): void {
    this.publish(
      anomaly.source,
      (encoder) => encoder.anomaly(anomaly),
      (s, frame) => s.deliverAnomaly(anomaly, frame),
    );
  }

  publishIncident(event: IncidentEvent): void {
    this.publish(
      event.incident.source,
      (encoder) => encoder.incident(event),
      (s, frame) => s.deliverIncident(event, frame),
    );
  }

  /** To every subscriber of `source`; each transport's frame is encoded once and shared. */
  private publish(
    source: string,
    encode: (encoder: FrameEncoder) => unknown,
    deliver: (subscriber: AnySubscriber, frame: unknown) => void,
  ): void {
    const frames = new Map<FrameEncoder, unknown>();
    const each = (s: AnySubscriber) => {
      let frame = frames.get(s.encoder);
      if (frame === undefined) {
        frame = encode(s.encoder);
        frames.set(s.encoder, frame);
      }
      deliver(s, frame);
    };
    for (const s of this.everything) each(s);
    const named = this.bySource.get(source);
    if (named) for (const s of named) each(s);
  }

  /** Subscribers per source; `"*"` counts those subscribed to every source. */
  subscriptionsBySource(): Record<string, number> {
    const counts: Record<string, number> = { "*": this.everything.size };
    for (const [source, set] of this.bySource) counts[source] = set.size;
    return counts;
  }

  private unindex(subscriber: AnySubscriber): void {
    const indexed = this.members.get(subscriber);
    if (indexed === undefined) return;
    if (indexed === null) {
      this.everything.delete(subscriber);
      return;
    }
    for (const source of indexed) {
      const set = this.bySource.get(source);
      if (set?.delete(subscriber) && set.size === 0) this.bySource.delete(source);
    }
  }
}
