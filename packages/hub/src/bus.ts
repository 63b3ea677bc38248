// The batch bus: where sealed batches get their cursor and from which every transport reads.
// LocalBatchBus serves one instance; a Redis-backed bus (scale-out) gives cursors that mean the
// same on every instance. Listeners always see batches in strictly increasing cursor order.
import { type Batch, formatCursor, type Metric } from "@scrapewatch/protocol";
import { CursorClock } from "./cursor-clock.ts";

export type BatchListener = (batch: Batch) => void;

export interface BatchBus {
  /** Assigns the batch its cursor and delivers it to every listener (on every instance). */
  publish(source: string, metrics: Metric[]): Promise<Batch>;
  /** Adds a listener; returns a function that removes it. */
  onBatch(listener: BatchListener): () => void;
  close(): Promise<void>;
}

export class LocalBatchBus implements BatchBus {
  private readonly listeners = new Set<BatchListener>();

  constructor(private readonly clock: CursorClock = new CursorClock()) {}

  async publish(source: string, metrics: Metric[]): Promise<Batch> {
    return this.publishSync(source, metrics);
  }

  /** Synchronous form: the batch has reached every listener when this returns. */
  publishSync(source: string, metrics: Metric[]): Batch {
    const cursor = this.clock.next();
    const batch: Batch = {
      id: formatCursor(cursor),
      source,
      count: metrics.length,
      timestamp: new Date(cursor.ms).toISOString(),
      metrics,
    };
    for (const listener of this.listeners) listener(batch);
    return batch;
  }

  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
