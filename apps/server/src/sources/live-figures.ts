// Per-source figures of the last hour, kept in memory from every batch on the bus (so, with
// Redis, from every instance): one-minute buckets of counts, successes, items, and duration
// histograms on a log scale (each bucket 5 % wide), from which p50/p95 are read to within 5 %.
import type { Batch, EventType } from "@scrapewatch/protocol";
import {
  emptyMinuteHealth,
  type HealthSummary,
  type MinuteHealth,
  observeHealth,
  summarizeHealth,
} from "./health-figures.ts";

const MINUTE = 60_000;
const WINDOW_MINUTES = 60;
const GROWTH = Math.log(1.05);

interface TypeFigures {
  count: number;
  successes: number;
  items: number;
  durations: Map<number, number>;
}

interface Bucket {
  minute: number;
  byType: Map<EventType, TypeFigures>;
  health: MinuteHealth;
}

export interface TypeSummary {
  count: number;
  successes: number;
  successRate: number | null;
  items: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

export interface SourceFigures {
  lastSeen: string | null;
  navigation: TypeSummary;
  scrape: TypeSummary;
  scheduler: TypeSummary;
  /** Block rates, status classes and block reasons of the navigations (SPEC 15). */
  health: HealthSummary;
}

export class LiveFigures {
  private readonly sources = new Map<string, { buckets: Bucket[]; lastSeen: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  observe(batch: Pick<Batch, "source" | "metrics">): void {
    const minute = Math.floor(this.now() / MINUTE);
    let entry = this.sources.get(batch.source);
    if (!entry) {
      entry = { buckets: [], lastSeen: 0 };
      this.sources.set(batch.source, entry);
    }
    let bucket = entry.buckets[entry.buckets.length - 1];
    if (!bucket || bucket.minute !== minute) {
      bucket = { minute, byType: new Map(), health: emptyMinuteHealth() };
      entry.buckets.push(bucket);
      this.prune(entry.buckets, minute);
    }
    for (const metric of batch.metrics) {
      // A run's start is not a run (SPEC 1); its finish is counted.
      if (metric.type === "scheduler" && metric.state === "started") continue;
      entry.lastSeen = Math.max(entry.lastSeen, Date.parse(metric.timestamp) || 0);
      let figures = bucket.byType.get(metric.type);
      if (!figures) {
        figures = { count: 0, successes: 0, items: 0, durations: new Map() };
        bucket.byType.set(metric.type, figures);
      }
      observeHealth(bucket.health, metric);
      figures.count += 1;
      if (metric.success) figures.successes += 1;
      if (metric.type === "scrape") figures.items += metric.itemsExtracted;
      if (metric.type === "scheduler") figures.items += metric.itemsProcessed;
      const slot = slotOf(metric.durationMs ?? 0);
      figures.durations.set(slot, (figures.durations.get(slot) ?? 0) + 1);
    }
  }

  /** Lets go of a source (it left memory: idle past SOURCE_IDLE_MS). */
  forget(source: string): void {
    this.sources.delete(source);
  }

  /** Sources with events in the window. */
  sourcesSeen(): string[] {
    const minute = Math.floor(this.now() / MINUTE);
    for (const [source, entry] of this.sources) {
      this.prune(entry.buckets, minute);
      if (entry.buckets.length === 0) this.sources.delete(source);
    }
    return [...this.sources.keys()];
  }

  figures(source: string): SourceFigures {
    const entry = this.sources.get(source);
    const minute = Math.floor(this.now() / MINUTE);
    if (entry) this.prune(entry.buckets, minute);
    const buckets = entry?.buckets ?? [];
    return {
      lastSeen: entry && entry.lastSeen > 0 ? new Date(entry.lastSeen).toISOString() : null,
      navigation: summarize(buckets, "navigation"),
      scrape: summarize(buckets, "scrape"),
      scheduler: summarize(buckets, "scheduler"),
      health: summarizeHealth(buckets, minute),
    };
  }

  private prune(buckets: Bucket[], minute: number): void {
    while (buckets.length > 0 && (buckets[0]?.minute ?? minute) <= minute - WINDOW_MINUTES) buckets.shift();
  }
}

function summarize(buckets: readonly Bucket[], type: EventType): TypeSummary {
  let count = 0;
  let successes = 0;
  let items = 0;
  const durations = new Map<number, number>();
  for (const bucket of buckets) {
    const figures = bucket.byType.get(type);
    if (!figures) continue;
    count += figures.count;
    successes += figures.successes;
    items += figures.items;
    for (const [slot, n] of figures.durations) durations.set(slot, (durations.get(slot) ?? 0) + n);
  }
  return {
    count,
    successes,
    successRate: count === 0 ? null : successes / count,
    items,
    p50DurationMs: percentile(durations, count, 50),
    p95DurationMs: percentile(durations, count, 95),
  };
}

// Slot 0 holds 0 ms; slot k ≥ 1 holds [1.05^(k-1), 1.05^k).
function slotOf(ms: number): number {
  return ms < 1 ? 0 : Math.floor(Math.log(ms) / GROWTH) + 1;
}

function slotValue(slot: number): number {
  if (slot === 0) return 0;
  // The geometric middle of the slot.
  return Math.round(Math.exp((slot - 0.5) * GROWTH));
}

/** Nearest rank over the histogram, as in the daily summaries. */
function percentile(durations: Map<number, number>, count: number, p: number): number | null {
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil((p * count) / 100));
  let seen = 0;
  for (const slot of [...durations.keys()].sort((a, b) => a - b)) {
    seen += durations.get(slot) ?? 0;
    if (seen >= rank) return slotValue(slot);
  }
  return null;
}
