// One evaluator at a time among instances. With Redis: a lease (SET NX PX) renewed at every tick
// while held, so a holder that dies or stalls loses it within LEASE_MS and another takes over.
// Without Redis: the database's named lock (MySQL GET_LOCK on its own connection, released by the
// server when the holder dies; a lock file beside SQLite). Either way the database's one-open-
// incident constraint keeps a brief overlap of two evaluators from doubling a transition.
import type { Database } from "@scrapewatch/db";
import type { Redis } from "ioredis";

export interface EvaluatorLock {
  /** Takes or renews the lock; true while this instance holds it. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

const RENEW_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`;
const RELEASE_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`;

export class RedisLeaseLock implements EvaluatorLock {
  private held = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly holder: string,
    private readonly leaseMs: number,
  ) {}

  async hold(): Promise<boolean> {
    try {
      if (this.held) {
        const renewed = await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.holder, String(this.leaseMs));
        if (Number(renewed) === 1) return true;
      }
      const taken = await this.redis.set(this.key, this.holder, "PX", this.leaseMs, "NX");
      this.held = taken === "OK";
    } catch {
      // Redis away: nobody can renew, so nobody evaluates until it is back (the lease lapses).
      this.held = false;
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE_SCRIPT, 1, this.key, this.holder).catch(() => {});
  }
}

export class DatabaseLock implements EvaluatorLock {
  private releaseFn: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: Database,
    private readonly name: string,
  ) {}

  async hold(): Promise<boolean> {
    if (this.releaseFn) return true;
    this.releaseFn = await this.database.tryLock(this.name).catch(() => null);
    return this.releaseFn !== null;
  }

  async release(): Promise<void> {
    const release = this.releaseFn;
    this.releaseFn = null;
    await release?.();
  }
}
