// What the page knows live, per source: 5-second buckets over the last hour (so a chart never has
// more than a fixed number of points, whatever the event rate), the last few events and errors,
// and the anomaly feed. Readers are told of changes at most once per animation frame.
import { type Anomaly, compareCursors, parseCursor, statusClassOf } from "@scrapewatch/protocol";
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
  runs: number;
  runMs: number;
  items: number;
  retries: number;
  succeeded: number;
  failed: number;
  /** Scraper health (SPEC 15): blocked navigations, and navigations per status class. */
  blocked: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
}

export interface SourceLive {
  source: string;
  /** Ids of events loaded as history (REST), so overlapping loads add nothing twice. */
  history: Set<string>;
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
  navigations: number;
  /** Blocked / all navigations; null without navigations. */
  blockRate: number | null;
  statusClasses: StatusCounts;
}

export interface StatusCounts {
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}

export interface HealthPoint extends StatusCounts {
  /** Start of the minute. */
  t: number;
  blockRate: number | null;
}

export interface ChartPoint {
  t: number;
  navigationMs: number | null;
  scrapeMs: number | null;
  /** Scheduler run duration. */
  runMs: number | null;
  items: number | null;
  retries: number | null;
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

  /**
   * Adds stored events from before live delivery started (at or before `boundary`) to the charts'
   * buckets only: they are history, so they change neither the "last" figures nor the live count.
   */
  backfill(source: string, events: readonly LiveEvent[], boundary: string): number {
    const limit = parseCursor(boundary);
    if (!limit) return 0;
    const now = this.now();
    let added = 0;
    for (const event of events) {
      const position = parseCursor(event.cursor);
      if (event.source !== source || !position || compareCursors(position, limit) > 0) continue;
      const live = this.entry(source, now);
      if (live.history.has(event.id)) continue;
      live.history.add(event.id);
      this.addToBuckets(live, event, now);
      added += 1;
    }
    if (added > 0) this.coalescer.request();
    return added;
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
    const sum = emptyBucket(since);
    for (const b of live.buckets) if (b.start + BUCKET_MS > since) addInto(sum, b);
    const events = sum.succeeded + sum.failed;
    return {
      events,
      successRate: events === 0 ? null : sum.succeeded / events,
      itemsPerMinute: sum.items / (windowMs / 60_000),
      errors: sum.failed,
      navigations: sum.navigations,
      blockRate: sum.navigations === 0 ? null : sum.blocked / sum.navigations,
      statusClasses: statusCounts(sum),
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
    // The step in progress has not had its events yet: an empty one is "no data", not zero.
    const current = acc.length - 1;
    return acc.map((b, i) => ({
      t: b.start,
      navigationMs: b.navigations > 0 ? Math.round(b.navigationMs / b.navigations) : null,
      scrapeMs: b.scrapes > 0 ? Math.round(b.scrapeMs / b.scrapes) : null,
      runMs: b.runs > 0 ? Math.round(b.runMs / b.runs) : null,
      ...(i === current && b.succeeded + b.failed === 0
        ? { items: null, retries: null }
        : { items: b.items, retries: b.retries }),
    }));
  }

  /** Navigations per status class and the block rate, one point a minute over the last `minutes`. */
  health(source: string, minutes: number): HealthPoint[] {
    const now = this.now();
    const first = Math.floor(now / 60_000) * 60_000 - (minutes - 1) * 60_000;
    const acc = Array.from({ length: minutes }, (_, i) => emptyBucket(first + i * 60_000));
    for (const b of this.bySource.get(source)?.buckets ?? []) {
      const slot = acc[Math.floor((b.start - first) / 60_000)];
      if (slot) addInto(slot, b);
    }
    return acc.map((b) => ({
      t: b.start,
      ...statusCounts(b),
      blockRate: b.navigations === 0 ? null : b.blocked / b.navigations,
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
        history: new Set(),
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
    // A run's start is not a run (SPEC 1): it has no duration or outcome yet.
    if (event.type === "scheduler" && event.state === "started") return;
    if (event.type === "navigation") live.lastNavigationMs = event.durationMs;
    else if (event.type === "scrape") live.lastScrapeMs = event.durationMs;
    else live.lastSchedulerMs = event.durationMs ?? null;
    if (!event.success) {
      live.errors.unshift(event);
      if (live.errors.length > RECENT_ERRORS) live.errors.length = RECENT_ERRORS;
    }
    this.addToBuckets(live, event, now);
  }

  private addToBuckets(live: SourceLive, event: LiveEvent, now: number): void {
    const at = Date.parse(event.timestamp);
    if (!Number.isFinite(at) || at < now - HORIZON_MS) return; // late history: figures only
    const bucket = bucketFor(live.buckets, Math.floor(at / BUCKET_MS) * BUCKET_MS);
    if (event.type === "navigation") {
      bucket.navigations += 1;
      bucket.navigationMs += event.durationMs;
      bucket.retries += event.retryCount;
      if (event.blocked) bucket.blocked += 1;
      const statusClass = statusClassOf(event.statusCode);
      if (statusClass) bucket[`status${statusClass}`] += 1;
    } else if (event.type === "scrape") {
      bucket.scrapes += 1;
      bucket.scrapeMs += event.durationMs;
      bucket.items += event.itemsExtracted;
    } else {
      bucket.runs += 1;
      bucket.runMs += event.durationMs ?? 0;
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
    runs: 0,
    runMs: 0,
    items: 0,
    retries: 0,
    succeeded: 0,
    failed: 0,
    blocked: 0,
    status2xx: 0,
    status3xx: 0,
    status4xx: 0,
    status5xx: 0,
  };
}

function statusCounts(b: Bucket): StatusCounts {
  return { "2xx": b.status2xx, "3xx": b.status3xx, "4xx": b.status4xx, "5xx": b.status5xx };
}

function addInto(into: Bucket, b: Bucket): void {
  into.navigations += b.navigations;
  into.navigationMs += b.navigationMs;
  into.scrapes += b.scrapes;
  into.scrapeMs += b.scrapeMs;
  into.runs += b.runs;
  into.runMs += b.runMs;
  into.items += b.items;
  into.retries += b.retries;
  into.succeeded += b.succeeded;
  into.failed += b.failed;
  into.blocked += b.blocked;
  into.status2xx += b.status2xx;
  into.status3xx += b.status3xx;
  into.status4xx += b.status4xx;
  into.status5xx += b.status5xx;
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
