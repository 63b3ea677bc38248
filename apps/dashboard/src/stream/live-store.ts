// What the page knows live, per source: 5-second buckets over the last hour (so a chart never has
// more than a fixed number of points, whatever the event rate), the last few events and errors,
// and the anomaly feed. Readers are told of changes at most once per animation frame.
import type { Anomaly } from "@scrapewatch/protocol";
import { FrameCoalescer, type ScheduleFrame } from "./frame-coalescer.ts";
import type { LiveEvent } from "./types.ts";

export const BUCKET_MS = 5000;
export const HORIZON_MS = 60 * 60 * 1000;
export const RECENT_ERRORS = 50;
export const ANOMALY_CAP = 200;
/** Points per chart series, whatever the window (5 min → 5 s steps, 60 min → 60 s steps). */
export const POINTS_PER_SERIES = 60;

export interface Bucket {
  start: number;
  navigations: number;
  navigationMs: number;
  scrapes: number;
  scrapeMs: number;
  items: number;
  retries: number;
  succeeded: number;
  failed: number;
}

export interface SourceLive {
  source: string;
  buckets: Bucket[];
  errors: LiveEvent[];
  lastNavigationMs: number | null;
  lastScrapeMs: number | null;
  lastSchedulerMs: number | null;
  lastSeen: number;
  received: number;
}

export interface LiveFigures {
  events: number;
  successRate: number | null;
  itemsPerMinute: number;
  errors: number;
}

export interface ChartPoint {
  t: number;
  navigationMs: number | null;
  scrapeMs: number | null;
  items: number;
  retries: number;
}

export class LiveStore {
  private readonly bySource = new Map<string, SourceLive>();
  private anomalyList: Anomaly[] = [];
  private readonly anomalyIds = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly coalescer: FrameCoalescer;
  private currentVersion = 0;

  constructor(
    schedule?: ScheduleFrame,
    private readonly now: () => number = Date.now,
  ) {
    this.coalescer = new FrameCoalescer(() => this.publish(), schedule);
  }

  /** Changes once per frame in which something arrived (for useSyncExternalStore). */
  get version(): number {
    return this.currentVersion;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.currentVersion;

  ingest(events: readonly LiveEvent[]): void {
    const now = this.now();
    for (const event of events) this.apply(this.entry(event.source, now), event, now);
    if (events.length > 0) this.coalescer.request();
  }

  addAnomaly(anomaly: Anomaly): void {
    if (this.anomalyIds.has(anomaly.id)) return;
    this.anomalyIds.add(anomaly.id);
    this.anomalyList = [anomaly, ...this.anomalyList].slice(0, ANOMALY_CAP);
    this.coalescer.request();
  }

  /** After a `reset`: forget what was streamed; the views reload through REST. */
  clear(): void {
    this.bySource.clear();
    this.coalescer.request();
  }

  get anomalies(): readonly Anomaly[] {
    return this.anomalyList;
  }

  sources(): string[] {
    return [...this.bySource.keys()].sort();
  }

  get(source: string): SourceLive | undefined {
    return this.bySource.get(source);
  }

  figures(source: string, windowMs = 5 * 60 * 1000): LiveFigures | null {
    const live = this.bySource.get(source);
    if (!live) return null;
    const since = this.now() - windowMs;
    let succeeded = 0;
    let failed = 0;
    let items = 0;
    for (const b of live.buckets) {
      if (b.start + BUCKET_MS <= since) continue;
      succeeded += b.succeeded;
      failed += b.failed;
      items += b.items;
    }
    const events = succeeded + failed;
    return {
      events,
      successRate: events === 0 ? null : succeeded / events,
      itemsPerMinute: items / (windowMs / 60_000),
      errors: failed,
    };
  }

  /** The last `windowMs` as POINTS_PER_SERIES points, oldest first; empty steps hold nulls. */
  series(source: string, windowMs: number): ChartPoint[] {
    const step = Math.max(BUCKET_MS, Math.ceil(windowMs / POINTS_PER_SERIES / BUCKET_MS) * BUCKET_MS);
    const end = Math.floor(this.now() / step) * step + step;
    const first = end - step * POINTS_PER_SERIES;
    const acc = Array.from({ length: POINTS_PER_SERIES }, (_, i) => emptyBucket(first + i * step));
    for (const b of this.bySource.get(source)?.buckets ?? []) {
      const slot = acc[Math.floor((b.start - first) / step)];
      if (slot) addInto(slot, b);
    }
    return acc.map((b) => ({
      t: b.start,
      navigationMs: b.navigations > 0 ? Math.round(b.navigationMs / b.navigations) : null,
      scrapeMs: b.scrapes > 0 ? Math.round(b.scrapeMs / b.scrapes) : null,
      items: b.items,
      retries: b.retries,
    }));
  }

  private publish(): void {
    this.currentVersion += 1;
    for (const listener of this.listeners) listener();
  }

  private entry(source: string, now: number): SourceLive {
    let live = this.bySource.get(source);
    if (!live) {
      live = {
        source,
        buckets: [],
        errors: [],
        lastNavigationMs: null,
        lastScrapeMs: null,
        lastSchedulerMs: null,
        lastSeen: now,
        received: 0,
      };
      this.bySource.set(source, live);
    }
    return live;
  }

  private apply(live: SourceLive, event: LiveEvent, now: number): void {
    live.received += 1;
    live.lastSeen = now;
    if (event.type === "navigation") live.lastNavigationMs = event.durationMs;
    else if (event.type === "scrape") live.lastScrapeMs = event.durationMs;
    else live.lastSchedulerMs = event.durationMs;
    if (!event.success) {
      live.errors.unshift(event);
      if (live.errors.length > RECENT_ERRORS) live.errors.length = RECENT_ERRORS;
    }
    const at = Date.parse(event.timestamp);
    if (!Number.isFinite(at) || at < now - HORIZON_MS) return; // late history: figures only
    const bucket = bucketFor(live.buckets, Math.floor(at / BUCKET_MS) * BUCKET_MS);
    if (event.type === "navigation") {
      bucket.navigations += 1;
      bucket.navigationMs += event.durationMs;
      bucket.retries += event.retryCount;
    } else if (event.type === "scrape") {
      bucket.scrapes += 1;
      bucket.scrapeMs += event.durationMs;
      bucket.items += event.itemsExtracted;
    } else {
      bucket.items += event.itemsProcessed;
    }
    if (event.success) bucket.succeeded += 1;
    else bucket.failed += 1;
    const oldest = now - HORIZON_MS;
    while ((live.buckets[0]?.start ?? oldest) < oldest - BUCKET_MS) live.buckets.shift();
  }
}

function emptyBucket(start: number): Bucket {
  return {
    start,
    navigations: 0,
    navigationMs: 0,
    scrapes: 0,
    scrapeMs: 0,
    items: 0,
    retries: 0,
    succeeded: 0,
    failed: 0,
  };
}

function addInto(into: Bucket, b: Bucket): void {
  into.navigations += b.navigations;
  into.navigationMs += b.navigationMs;
  into.scrapes += b.scrapes;
  into.scrapeMs += b.scrapeMs;
  into.items += b.items;
  into.retries += b.retries;
  into.succeeded += b.succeeded;
  into.failed += b.failed;
}

/** Buckets stay sorted by start; events nearly always land in the newest one. */
function bucketFor(buckets: Bucket[], start: number): Bucket {
  for (let i = buckets.length - 1; i >= 0; i -= 1) {
    const b = buckets[i];
    if (!b || b.start < start) {
      const fresh = emptyBucket(start);
      buckets.splice(i + 1, 0, fresh);
      return fresh;
    }
    if (b.start === start) return b;
  }
  const fresh = emptyBucket(start);
  buckets.unshift(fresh);
  return fresh;
}
