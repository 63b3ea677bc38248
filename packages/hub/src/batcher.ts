// Groups accepted events per source into batches: a source's batch is sealed `intervalMs` after
// its first event, or as soon as it holds `maxSize` events. With intervalMs 0 every ingest call
// seals at once, so each request's events of one source travel as one batch.
import type { Metric } from "@scrapewatch/protocol";

export interface BatcherOptions {
  intervalMs: number;
  maxSize: number;
  /** Receives each sealed batch's events, in the order they were added. */
  onSeal(source: string, metrics: Metric[]): void;
}

interface Pending {
  metrics: Metric[];
  timer: NodeJS.Timeout | null;
}

export class Batcher {
  private readonly pending = new Map<string, Pending>();
  private size = 0;

  constructor(private readonly options: BatcherOptions) {}

  /** Events waiting to be sealed, over all sources. */
  get waiting(): number {
    return this.size;
  }

  add(metrics: readonly Metric[]): void {
    const touched = new Set<string>();
    for (const metric of metrics) {
      let entry = this.pending.get(metric.source);
      if (!entry) {
        entry = { metrics: [], timer: null };
        this.pending.set(metric.source, entry);
      }
      entry.metrics.push(metric);
      this.size += 1;
      touched.add(metric.source);
      if (entry.metrics.length >= this.options.maxSize) this.seal(metric.source);
    }
    for (const source of touched) {
      const entry = this.pending.get(source);
      if (!entry) continue;
      if (this.options.intervalMs <= 0) this.seal(source);
      else if (!entry.timer) {
        entry.timer = setTimeout(() => this.seal(source), this.options.intervalMs);
      }
    }
  }

  /** Seals every waiting batch now (shutdown, tests). */
  flushAll(): void {
    for (const source of [...this.pending.keys()]) this.seal(source);
  }

  private seal(source: string): void {
    const entry = this.pending.get(source);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.pending.delete(source);
    this.size -= entry.metrics.length;
    if (entry.metrics.length > 0) this.options.onSeal(source, entry.metrics);
  }
}
