// Per-key ingest rate limits: a token bucket per ingest token (or per client address when ingest
// is open), counted in events, not requests. Off when the rate is 0.
import { ApiError } from "./api-error.ts";

/** Buckets kept at most; idle (full) buckets are dropped first, since they equal a new one. */
const MAX_KEYS = 100_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimitOptions {
  /** Events per second per key; 0 turns limiting off. */
  ratePerSecond: number;
  /** Events a key may send at once after being idle; default one second's worth. */
  burst?: number;
  now?: () => number;
}

export class IngestRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  readonly burst: number;
  private readonly now: () => number;
  /** Requests refused so far (for /metrics and tests). */
  refused = 0;

  constructor(options: RateLimitOptions) {
    this.rate = options.ratePerSecond;
    this.burst = Math.max(1, options.burst || options.ratePerSecond);
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.rate > 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  /**
   * Takes `events` from the key's bucket or throws 429 with the seconds until they fit. A request
   * larger than what is left passes when the bucket is full, driving it negative: the key then
   * waits for the debt, so the average never exceeds the rate.
   */
  take(key: string, events: number): void {
    if (!this.enabled || events <= 0) return;
    const now = this.now();
    const bucket = this.refill(key, now);
    const needed = Math.min(events, this.burst);
    if (bucket.tokens < needed) {
      this.refused += 1;
      const seconds = Math.max(1, Math.ceil((needed - bucket.tokens) / this.rate));
      throw new ApiError(
        "rate_limited",
        `ingest rate limit: ${this.rate} events/s (burst ${this.burst}) for this client; retry in ${seconds} s`,
        { limit: this.rate, burst: this.burst },
        seconds,
      );
    }
    bucket.tokens -= events;
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_KEYS) this.sweep(now);
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.rate);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Drops buckets that have refilled (no different from a fresh one), else the oldest half. */
  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.rate) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(key);
    }
    if (this.buckets.size < MAX_KEYS) return;
    let drop = Math.floor(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The rate-limit key of a request: its ingest token, else the address it came from. */
export function rateLimitKey(token: string | null, address: string | undefined): string {
  return token ? `token:${token}` : `addr:${address ?? "unknown"}`;
}
