// The instances' shared view of what is stored, over Redis: each instance publishes its own
// "stored through" watermark (on the stream, for the running instances, and in a hash, for those
// that start later) and a presence key, and learns the others' from the stream. StoredWatermark
// turns them into the cursor up to which every delivered batch, of every instance, is stored.
// The batch bus owns the connection and the stream; this owns what is said about storage on it.
import type { BatchCursor } from "@scrapewatch/protocol";
import { compareCursors, formatCursor, parseCursor } from "@scrapewatch/protocol";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { StoredWatermark } from "./stored-watermark.ts";

export interface InstanceWatermarksOptions {
  /** The bus's command connection (fails fast while Redis is away). */
  redis: Redis;
  stream: string;
  instanceId: string;
  logger: Logger;
  /** While Redis is away nothing is published; the first watermark after it covers the gap. */
  isDegraded(): boolean;
}

/** Watermarks are published at most this often (the writer may store many times a second). */
const WATERMARK_EVERY_MS = 100;
/** An instance refreshes its presence key this often; it expires after ALIVE_TTL_MS. */
const ALIVE_EVERY_MS = 2_000;
const ALIVE_TTL_MS = 10_000;

/** The hash of each origin's newest published batch, written by the bus's publish script. */
export const publishedKey = (stream: string) => `${stream}:published`;

export class InstanceWatermarks {
  private readonly watermark = new StoredWatermark((through) => {
    for (const listener of this.listeners) listener(through);
  });
  private readonly listeners = new Set<(through: BatchCursor) => void>();
  /** This instance's own "stored through", waiting to be published. */
  private ownStored: BatchCursor | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private aliveTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: InstanceWatermarksOptions) {}

  private get keys() {
    const { stream } = this.options;
    return {
      published: publishedKey(stream),
      stored: `${stream}:stored`,
      alive: (origin: string) => `${stream}:alive:${origin}`,
    };
  }

  /**
   * Joins: announces this instance, and answers where the stream must be read from so that other
   * instances' batches not stored yet reach the replay buffer (storage lacks them) — the oldest of
   * their watermarks, or `readFrom` when none is behind it.
   */
  async join(readFrom: BatchCursor | null): Promise<BatchCursor | null> {
    const { redis, instanceId } = this.options;
    await this.announce();
    const [published, stored] = await Promise.all([
      redis.hgetall(this.keys.published),
      redis.hgetall(this.keys.stored),
    ]);
    let from = readFrom;
    for (const [origin, newestId] of Object.entries(published)) {
      if (!(await redis.exists(this.keys.alive(origin)))) {
        // Gone: what it did not store, it never will (a restart writes its spill under a new id).
        await redis.hdel(this.keys.published, origin);
        await redis.hdel(this.keys.stored, origin);
        continue;
      }
      const through = parseCursor(stored[origin] ?? "0-0") ?? { ms: 0, seq: 0 };
      this.watermark.storedBy(origin, through);
      const newestPublished = parseCursor(newestId);
      if (!newestPublished || compareCursors(newestPublished, through) <= 0) continue;
      if (from && compareCursors(through, from) < 0) from = through;
    }
    // Nothing published yet: every batch of ours up to the newest entry is (vacuously) stored.
    if (readFrom) await redis.hset(this.keys.stored, instanceId, formatCursor(readFrom));
    this.aliveTimer = setInterval(() => void this.keepAlive(), ALIVE_EVERY_MS);
    this.aliveTimer.unref();
    return from;
  }

  /** Called with every cursor up to which all delivered batches, of every instance, are stored. */
  onStoredThrough(listener: (through: BatchCursor) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A batch reached this instance's listeners; `storedAs` is where its origin stores it. */
  delivered(cursor: BatchCursor, origin: string, storedAs?: BatchCursor): void {
    this.watermark.delivered(cursor, origin, storedAs);
  }

  /** Another instance's watermark, read from the stream. */
  storedBy(origin: string, through: BatchCursor): void {
    if (origin !== this.options.instanceId) this.watermark.storedBy(origin, through);
  }

  /** This instance's writer stored every batch of its own up to this cursor. */
  markStored(through: BatchCursor): void {
    const cursor = { ms: through.ms, seq: through.seq };
    this.watermark.storedBy(this.options.instanceId, cursor);
    if (!this.ownStored || compareCursors(cursor, this.ownStored) > 0) this.ownStored = cursor;
    if (this.publishTimer || this.stopped) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      void this.publish();
    }, WATERMARK_EVERY_MS);
    this.publishTimer.unref();
  }

  /** Publishes this instance's watermark now (after an outage, and as its last word). */
  async publish(): Promise<void> {
    const through = this.ownStored;
    if (!through || this.options.isDegraded()) return;
    const { redis, stream, instanceId } = this.options;
    const id = formatCursor(through);
    try {
      await redis
        .multi()
        .xadd(stream, "*", "origin", instanceId, "stored", id)
        .hset(this.keys.stored, instanceId, id)
        .exec();
    } catch {
      // Redis away: the next watermark (after recovery) covers this one.
    }
  }

  /** Publishes the last watermark and leaves (the bus has drained its writer first). */
  async leave(): Promise<void> {
    this.stopped = true;
    if (this.aliveTimer) clearInterval(this.aliveTimer);
    if (this.publishTimer) clearTimeout(this.publishTimer);
    await this.publish();
    await this.options.redis.del(this.keys.alive(this.options.instanceId)).catch(() => {});
  }

  private async announce(): Promise<void> {
    await this.options.redis.set(this.keys.alive(this.options.instanceId), "1", "PX", ALIVE_TTL_MS);
  }

  /** Refreshes this instance's presence; gives up on a silent instance that holds the buffer. */
  private async keepAlive(): Promise<void> {
    try {
      await this.announce();
      const oldest = this.watermark.oldestWaiting;
      if (oldest && oldest.origin !== this.options.instanceId && Date.now() - oldest.since > ALIVE_TTL_MS) {
        if (!(await this.options.redis.exists(this.keys.alive(oldest.origin)))) {
          this.options.logger.warn("an instance left with batches it never stored; not waiting for them", {
            origin: oldest.origin,
          });
          this.watermark.originGone(oldest.origin);
        }
      }
    } catch {
      // Redis away: nothing to learn until it returns.
    }
  }
}
