// Per-key ingest rate limits: a token bucket per ingest token (or per client address when ingest
// is open), counted in events, not requests. Off when the rate is 0. The buckets live here, or
// in Redis (redis-rate-limit.ts) so that every instance draws on the same ones.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { ApiError } from "./api-error.ts";
import { presentedToken } from "./auth.ts";

/** What the ingest route uses: this class, or the Redis-backed one. */
export interface RateLimiter {
  readonly enabled: boolean;
  refused: number;
  /** Refuses (429) a key already in debt, before its request body is read. */
  check(key: string): Promise<void> | void;
  /** Takes `events` from the key's bucket or refuses (429) with the seconds until they fit. */
  take(key: string, events: number): Promise<void> | void;
}

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

export class IngestRateLimiter implements RateLimiter {
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

  check(key: string): void {
    if (!this.enabled) return;
    const bucket = this.refill(key, this.now());
    if (bucket.tokens <= 0) this.refuse(1 - bucket.tokens);
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
    if (bucket.tokens < needed) this.refuse(needed - bucket.tokens);
    bucket.tokens -= events;
  }

  /** Throws the 429 for a key short of `missing` events. */
  refuse(missing: number): never {
    this.refused += 1;
    throw rateLimited(this.rate, this.burst, Math.max(1, Math.ceil(missing / this.rate)));
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

export function rateLimited(rate: number, burst: number, seconds: number): ApiError {
  return new ApiError(
    "rate_limited",
    `ingest rate limit: ${rate} events/s (burst ${burst}) for this client; retry in ${seconds} s`,
    { limit: rate, burst },
    seconds,
  );
}

/**
 * The rate-limit key of a request: its ingest token when ingest needs one (it was checked
 * before this), else the address it came from. An unchecked ?token= is never a key: a client
 * could send a new one with every request and never be limited.
 */
export function rateLimitKey(token: string | null, address: string, ingestOpen: boolean): string {
  return !ingestOpen && token ? `token:${token}` : `addr:${address}`;
}

/** The rate-limit key of an ingest request (after its token was checked). */
export function ingestRateKey(c: Context<AppEnv>): string {
  const { tokens, addresses } = c.get("services");
  const token = presentedToken(c.req.header("authorization"), c.req.query("token"));
  return rateLimitKey(token, addresses.of(c), tokens.ingest.open);
}

/**
 * 429 before a body (up to 1 MiB) is read, for a client already over its rate or while the
 * ingest queue is full: parsing bodies only to refuse them is what grew memory under a flood.
 */
export const refuseExhaustedIngest: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { ingestLimiter, pipeline } = c.get("services");
  pipeline.assertRoom(0);
  await ingestLimiter.check(ingestRateKey(c));
  await next();
};
