// The sources held in memory (live figures, anomaly baselines, /metrics counters): at most
// MAX_SOURCES at once, and a source without events for SOURCE_IDLE_MS leaves every one of
// those structures (its history stays in the database). Kept in least-recently-seen order, so
// the idle ones are found at the front without a scan.
import { TooManySources } from "../pipeline/ingest-errors.ts";

export type SourceEvictedListener = (source: string) => void;

export interface ActiveSourcesOptions {
  maxSources: number;
  idleMs: number;
  now?: () => number;
}

export class ActiveSources {
  /** source → last seen (ms); Map order is least recently seen first. */
  private readonly lastSeen = new Map<string, number>();
  private readonly listeners = new Set<SourceEvictedListener>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ActiveSourcesOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Called with each source that leaves memory. */
  onEvicted(listener: SourceEvictedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Admits an ingest request's sources, all or none: throws TooManySources (429 `too_many_sources`) when the
   * new ones would pass MAX_SOURCES (after letting idle sources go).
   */
  admit(sources: Iterable<string>): void {
    // A request carries thousands of events from a handful of sources: touch each source once.
    const distinct = new Set(sources);
    const unseen = new Set<string>();
    for (const source of distinct) if (!this.lastSeen.has(source)) unseen.add(source);
    if (unseen.size > 0 && this.lastSeen.size + unseen.size > this.options.maxSources) {
      this.sweep();
      if (this.lastSeen.size + unseen.size > this.options.maxSources) {
        throw new TooManySources(
          `at most ${this.options.maxSources} sources may be active at once (MAX_SOURCES); a source leaves after ${Math.round(this.options.idleMs / 1000)} s without events`,
          { maxSources: this.options.maxSources, active: this.lastSeen.size, new: unseen.size },
          this.retryAfterSeconds(),
        );
      }
    }
    for (const source of distinct) this.touch(source);
  }

  /** A source seen on the bus (this instance's or another's): kept, never refused. */
  touch(source: string): void {
    this.lastSeen.delete(source);
    this.lastSeen.set(source, this.now());
  }

  /** Lets go of sources idle past SOURCE_IDLE_MS; returns how many left. */
  sweep(): number {
    const before = this.now() - this.options.idleMs;
    let evicted = 0;
    for (const [source, seen] of this.lastSeen) {
      if (seen > before) break;
      this.lastSeen.delete(source);
      evicted += 1;
      for (const listener of this.listeners) listener(source);
    }
    return evicted;
  }

  /** Sweeps every so often (a quarter of the idle time, at most a minute). */
  start(): void {
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, this.options.idleMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Until the least recently seen source goes idle (a place frees up). */
  private retryAfterSeconds(): number {
    const oldest = this.lastSeen.values().next().value ?? this.now();
    const ms = oldest + this.options.idleMs - this.now();
    return Math.min(3600, Math.max(1, Math.ceil(ms / 1000)));
  }
}
