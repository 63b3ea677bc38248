// Idempotency-Key in Redis, for several instances: a retry that lands on another instance, or on
// this one after a restart, gets the first answer. A key is claimed with SET NX (a short-lived
// "in progress" marker), then holds the answer for the TTL. While the claim is held, a repeat on
// any instance gets 409 `idempotency_in_progress` instead of being accepted a second time.
//
// Redis away: the request is answered through this instance's memory (the fallback store), so
// ingest goes on and retries to the same instance stay safe; a retry that reaches another instance
// meanwhile is not recognised (see README, "Several instances").
import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../logger.ts";
import {
  type Claim,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type StoredAnswer,
} from "./idempotency.ts";

export interface RedisIdempotencyStoreOptions {
  /** A command connection that fails fast when Redis is away (the batch bus's). */
  redis: Redis;
  /** Key prefix shared by the instances (the batch stream's key). */
  prefix: string;
  /** Used while Redis does not answer. */
  fallback: IdempotencyStore;
  logger: Logger;
  ttlMs?: number;
  /** How long an unfinished claim blocks its key (an instance that died while accepting). */
  claimTtlMs?: number;
}

/** Stored value: the answer (s, b) once there is one, else the claimant's token (c). */
interface Record {
  f: string;
  s?: number;
  b?: string;
  c?: string;
}

const RELEASE_IF_OURS = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export class RedisIdempotencyStore implements IdempotencyStore {
  replays = 0;
  private warned = false;

  constructor(private readonly options: RedisIdempotencyStoreOptions) {}

  async claim(key: string, fingerprint: string): Promise<Claim> {
    // The scope is the caller's token: only its hash goes to Redis.
    const redisKey = `${this.options.prefix}:idempotency:${createHash("sha256").update(key).digest("base64url")}`;
    const marker = JSON.stringify({ f: fingerprint, c: randomUUID() } satisfies Record);
    try {
      // Twice: a claim released between our SET and GET leaves the key free again.
      for (let attempt = 0; attempt < 2; attempt++) {
        const taken = await this.options.redis.set(
          redisKey,
          marker,
          "PX",
          this.options.claimTtlMs ?? 30_000,
          "NX",
        );
        if (taken === "OK") return this.claimed(redisKey, marker);
        const seen = await this.options.redis.get(redisKey);
        if (seen === null) continue;
        const record = JSON.parse(seen) as Record;
        if (record.s !== undefined && record.b !== undefined) {
          return { kind: "answered", answer: { fingerprint: record.f, status: record.s, body: record.b } };
        }
        return { kind: "in_progress", fingerprint: record.f };
      }
      return { kind: "in_progress", fingerprint };
    } catch (error) {
      this.warnOnce(error);
      return this.options.fallback.claim(key, fingerprint);
    }
  }

  private claimed(redisKey: string, marker: string): Claim {
    const { redis } = this.options;
    return {
      kind: "claimed",
      complete: async (answer: StoredAnswer) => {
        const record: Record = { f: answer.fingerprint, s: answer.status, b: answer.body };
        try {
          await redis.set(
            redisKey,
            JSON.stringify(record),
            "PX",
            this.options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
          );
        } catch (error) {
          // The events are accepted whatever happens here; the claim expires on its own.
          this.warnOnce(error);
        }
      },
      release: async () => {
        await redis
          .eval(RELEASE_IF_OURS, 1, redisKey, marker)
          .catch((error: unknown) => this.warnOnce(error));
      },
    };
  }

  private warnOnce(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.options.logger.warn(
      "redis unavailable for Idempotency-Key; using this instance's memory meanwhile",
      {
        err: error,
      },
    );
    setTimeout(() => {
      this.warned = false;
    }, 60_000).unref();
  }
}
