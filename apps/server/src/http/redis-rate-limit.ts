// The ingest token buckets in Redis, so a limit holds across instances: one Lua script reads,
// refills and takes atomically, on Redis's clock (instances' clocks may differ). While Redis is
// away each instance falls back to its own buckets rather than refusing or letting all through.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { ApiError } from "./api-error.ts";
import { IngestRateLimiter, type RateLimiter, rateLimited } from "./rate-limit.ts";

// KEYS[1]: the bucket. ARGV: rate (events/s), burst, events (0: only check for debt).
// Returns the events missing (0: allowed). A full bucket lets a request larger than the burst
// through and goes into debt, as the local limiter does.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local events = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - updated) / 1000 * rate)
if events == 0 then
  if tokens <= 0 then return tostring(1 - tokens) end
  return '0'
end
local needed = math.min(events, burst)
if tokens < needed then return tostring(needed - tokens) end
tokens = tokens - events
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return '0'
`;

export interface RedisRateLimitOptions {
  redis: Redis;
  /** Key prefix shared by the instances (REDIS_STREAM). */
  prefix: string;
  ratePerSecond: number;
  burst?: number;
  logger: Logger;
}

export class RedisRateLimiter implements RateLimiter {
  readonly fallback: IngestRateLimiter;
  private readonly rate: number;
  private readonly burst: number;
  private warned = false;
  refused = 0;

  constructor(private readonly options: RedisRateLimitOptions) {
    this.fallback = new IngestRateLimiter({ ratePerSecond: options.ratePerSecond, burst: options.burst });
    this.rate = options.ratePerSecond;
    this.burst = this.fallback.burst;
  }

  get enabled(): boolean {
    return this.rate > 0;
  }

  check(key: string): Promise<void> {
    return this.run(key, 0, () => this.fallback.check(key));
  }

  take(key: string, events: number): Promise<void> {
    return this.run(key, events, () => this.fallback.take(key, events));
  }

  private async run(key: string, events: number, locally: () => void): Promise<void> {
    if (!this.enabled) return;
    let missing: number;
    try {
      const digest = createHash("sha256").update(key).digest("base64url");
      const answer = await this.options.redis.eval(
        TAKE,
        1,
        `${this.options.prefix}:ratelimit:${digest}`,
        this.rate,
        this.burst,
        events,
      );
      missing = Number(answer);
      this.warned = false;
    } catch (error) {
      if (!this.warned)
        this.options.logger.warn("rate limits kept per instance while Redis is away", { err: error });
      this.warned = true;
      try {
        locally();
      } catch (refusal) {
        if (refusal instanceof ApiError) this.refused += 1;
        throw refusal;
      }
      return;
    }
    if (missing > 0) {
      this.refused += 1;
      throw rateLimited(this.rate, this.burst, Math.max(1, Math.ceil(missing / this.rate)));
    }
  }
}
