// The batch bus over a Redis stream, for several instances behind a load balancer. XADD gives
// each batch its cursor (the stream id), so a cursor means the same on every instance; every
// instance reads the stream in order (XREAD BLOCK) and hands batches to its own transports.
//
// While Redis is away an instance keeps going alone: batches get local cursors from a clock
// that has seen every stream id, reach this instance's clients, and are stored. When Redis is
// back they are appended to the stream (marked with their origin) so the other instances'
// clients receive them too; the origin skips its own, which its clients already have.
//
// Storage: each instance writes only its own batches, a few seconds after publishing them. So that
// no instance's replay buffer lets go of another's batch before it is in the database (a resume
// would then read storage and miss it), each instance publishes "stored through" watermarks on the
// stream (and in a hash, with the newest batch it published, for instances that start later), and
// the buffer is told a cursor only once every batch up to it is stored (instance-watermarks.ts). An
// instance that starts while another has unstored batches reads the stream from that one's
// watermark, so those batches are in its buffer rather than missing from storage.
import { randomUUID } from "node:crypto";
import type { BatchBus, BatchListener } from "@scrapewatch/hub";
import { CursorClock } from "@scrapewatch/hub";
import { type Batch, type BatchCursor, formatCursor, type Metric, parseCursor } from "@scrapewatch/protocol";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { InstanceWatermarks, publishedKey } from "./instance-watermarks.ts";

export interface RedisBatchBusOptions {
  url: string;
  /** Stream key; instances that share it form one product. */
  stream: string;
  logger: Logger;
  clock?: CursorClock;
  /** Approximate number of batches the stream keeps (MAXLEN ~). */
  maxLength?: number;
}

interface LocalBatch {
  batch: Batch;
  /** The publish id it was first tried under: the recovery append reuses it. */
  publishId: string;
}

const READ_BLOCK_MS = 2_000;
const RECOVERY_PROBE_MS = 500;

/** How long Redis remembers a publish id, so that a retried publish is not appended twice. */
const PUBLISH_ID_TTL_MS = 10 * 60 * 1000;

/**
 * XADD of a batch and, atomically, the origin's "newest published" (for instances that start
 * later) — once per publish id (KEYS[3]): a publish whose answer was lost (Redis went away
 * between running it and replying) is appended again on recovery, and must not be twice.
 */
const PUBLISH_SCRIPT = `
local existing = redis.call("GET", KEYS[3])
if existing then return existing end
local id = redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[1], "*", unpack(ARGV, 3))
redis.call("HSET", KEYS[2], ARGV[2], id)
redis.call("SET", KEYS[3], id, "PX", ${PUBLISH_ID_TTL_MS})
return id`;

type PublishCommand = (
  stream: string,
  publishedKey: string,
  publishIdKey: string,
  maxLength: string,
  origin: string,
  ...fields: string[]
) => Promise<string>;

export class RedisBatchBus implements BatchBus {
  readonly instanceId = randomUUID().slice(0, 8);
  private readonly listeners = new Set<BatchListener>();
  private readonly writer: Redis;
  private readonly reader: Redis;
  private readonly clock: CursorClock;
  private lastReadId = "$";
  private closed = false;
  private reading: Promise<void> = Promise.resolve();
  /** Batches published locally while Redis was away, to append once it is back. */
  private backlog: LocalBatch[] = [];
  private recovering: NodeJS.Timeout | null = null;
  private publishSeq = 0;
  /** Publishes awaiting Redis' answer, with the batch if the reader has already delivered it. */
  private readonly awaitingAnswer = new Map<string, Batch | null>();
  /**
   * Publish ids whose batch went out under a local cursor while their stream entry may exist
   * all the same (the answer was lost): the reader skips that entry, once.
   */
  private readonly deliveredLocally = new Set<string>();
  private readonly watermarks: InstanceWatermarks;
  private readonly forgetListeners = new Set<(before: BatchCursor) => void>();
  /** What retention last deleted, as announced by whichever instance ran it (read at connect). */
  forgottenBefore: BatchCursor | null = null;
  /**
   * Set when another instance had unstored batches at connect: the stream is read from here, so
   * the replay buffer holds every batch after it (null: from the newest entry, as usual).
   */
  catchUpFrom: BatchCursor | null = null;
  degraded = false;

  private constructor(private readonly options: RedisBatchBusOptions) {
    this.clock = options.clock ?? new CursorClock();
    const common = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (n: number) => Math.min(n * 200, 2_000),
    };
    // Publishing must fail fast when Redis is away, not queue behind a reconnect.
    this.writer = new Redis(options.url, { ...common, enableOfflineQueue: false });
    this.reader = new Redis(options.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const client of [this.writer, this.reader]) client.on("error", () => {});
    this.writer.defineCommand("publishBatch", { numberOfKeys: 3, lua: PUBLISH_SCRIPT });
    this.watermarks = new InstanceWatermarks({
      redis: this.writer,
      stream: options.stream,
      instanceId: this.instanceId,
      logger: options.logger,
      isDegraded: () => this.degraded,
    });
  }

  private get keys() {
    const stream = this.options.stream;
    return {
      published: publishedKey(stream),
      forgotten: `${stream}:forgotten`, // written by announceForgotten
      publishId: (publishId: string) => `${stream}:pub:${publishId}`,
    };
  }

  static async connect(options: RedisBatchBusOptions): Promise<RedisBatchBus> {
    const bus = new RedisBatchBus(options);
    await Promise.all([bus.writer.connect(), bus.reader.connect()]);
    // Start reading after the newest entry; older batches come from the database on resume.
    const newest = (await bus.writer.xrevrange(options.stream, "+", "-", "COUNT", 1))[0];
    bus.lastReadId = newest?.[0] ?? "0-0";
    const cursor = parseCursor(bus.lastReadId);
    if (cursor) bus.clock.observe(cursor);
    // Other instances' batches not stored yet must reach the replay buffer: read from there.
    const from = await bus.watermarks.join(cursor);
    if (from && formatCursor(from) !== bus.lastReadId) {
      bus.catchUpFrom = from;
      bus.lastReadId = formatCursor(from);
    }
    bus.forgottenBefore = parseCursor((await bus.writer.get(bus.keys.forgotten)) ?? "");
    bus.reading = bus.readLoop();
    return bus;
  }

  /** Called with every cursor up to which all delivered batches, of every instance, are stored. */
  onStoredThrough(listener: (through: BatchCursor) => void): () => void {
    return this.watermarks.onStoredThrough(listener);
  }

  /**
   * Retention deleted rows up to before this cursor: tells every instance (now, through the
   * stream, and later ones, through a key), so that none resumes a client from an older cursor.
   */
  async announceForgotten(before: BatchCursor): Promise<void> {
    await announceForgotten(this.writer, this.options.stream, this.instanceId, before);
  }

  onForgotten(listener: (before: BatchCursor) => void): () => void {
    this.forgetListeners.add(listener);
    return () => this.forgetListeners.delete(listener);
  }

  /** This instance's writer stored every batch of its own up to this cursor. */
  markStored(through: BatchCursor): void {
    this.watermarks.markStored(through);
  }

  /** A command connection that fails fast while Redis is away (for other short commands). */
  get commands(): Redis {
    return this.writer;
  }

  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(source: string, metrics: Metric[]): Promise<Batch> {
    const publishId = `${this.instanceId}.${++this.publishSeq}`;
    if (!this.degraded) {
      this.awaitingAnswer.set(publishId, null);
      try {
        const id = await this.append(publishId, source, metrics);
        if (id) return toBatch(id, source, metrics);
      } catch (error) {
        this.enterDegraded(error);
        // The answer was lost but the stream took it, and our reader has delivered it already.
        const delivered = this.awaitingAnswer.get(publishId);
        if (delivered) return delivered;
      } finally {
        this.awaitingAnswer.delete(publishId);
      }
    }
    return this.publishLocally(publishId, source, metrics);
  }

  /** Appends a batch under its publish id (at most once per id); answers its stream id. */
  private append(publishId: string, source: string, metrics: Metric[], local?: string): Promise<string> {
    const publishBatch = (this.writer as unknown as { publishBatch: PublishCommand }).publishBatch;
    return publishBatch.call(
      this.writer,
      this.options.stream,
      this.keys.published,
      this.keys.publishId(publishId),
      String(this.options.maxLength ?? 100_000),
      this.instanceId,
      "origin",
      this.instanceId,
      "pub",
      publishId,
      ...(local ? ["local", local] : []),
      "source",
      source,
      "metrics",
      JSON.stringify(metrics),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.recovering) clearTimeout(this.recovering);
    // The last word: what this instance stored (it drained its writer before the bus closes).
    await this.watermarks.leave();
    this.reader.disconnect();
    await this.reading.catch(() => {});
    await this.writer.quit().catch(() => this.writer.disconnect());
    this.listeners.clear();
  }

  private publishLocally(publishId: string, source: string, metrics: Metric[]): Batch {
    const cursor = this.clock.next();
    const batch = toBatch(formatCursor(cursor), source, metrics);
    this.backlog.push({ batch, publishId });
    this.deliveredLocally.add(publishId);
    this.watermarks.delivered(cursor, this.instanceId);
    this.deliver(batch);
    return batch;
  }

  private deliver(batch: Batch): void {
    for (const listener of this.listeners) listener(batch);
  }

  private enterDegraded(error: unknown): void {
    if (!this.degraded) {
      this.options.logger.warn("redis unavailable; serving this instance's clients alone until it returns", {
        err: error,
      });
    }
    this.degraded = true;
    this.scheduleRecovery();
  }

  private scheduleRecovery(): void {
    if (this.recovering || this.closed) return;
    this.recovering = setTimeout(() => {
      this.recovering = null;
      void this.recover();
    }, RECOVERY_PROBE_MS);
    this.recovering.unref();
  }

  /** Appends the batches published alone, in order, then goes back to publishing through Redis. */
  private async recover(): Promise<void> {
    try {
      if (this.writer.status !== "ready") await this.writer.connect().catch(() => {});
      await this.writer.ping();
      while (this.backlog.length > 0) {
        const [entry] = this.backlog;
        if (!entry) break;
        const { batch, publishId } = entry;
        // Under its first publish id: if that publish reached the stream after all, this is a no-op.
        await this.append(publishId, batch.source, batch.metrics, batch.id);
        this.backlog.shift();
      }
      this.degraded = false;
      void this.watermarks.publish();
      this.options.logger.info("redis is back; publishing through the stream again");
    } catch {
      this.scheduleRecovery();
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const reply = await this.reader.xread(
          "COUNT",
          1000,
          "BLOCK",
          READ_BLOCK_MS,
          "STREAMS",
          this.options.stream,
          this.lastReadId,
        );
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastReadId = id;
            this.onEntry(id, fields);
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.options.logger.debug("redis read failed; retrying", { err: error });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private onEntry(id: string, fields: string[]): void {
    const record = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) record.set(fields[i] ?? "", fields[i + 1] ?? "");
    const cursor = parseCursor(id);
    if (cursor) this.clock.observe(cursor);
    const origin = record.get("origin") ?? "";
    const forget = parseCursor(record.get("forget") ?? "");
    if (forget) {
      for (const listener of this.forgetListeners) listener(forget);
      return;
    }
    const stored = parseCursor(record.get("stored") ?? "");
    if (stored) {
      this.watermarks.storedBy(origin, stored);
      return;
    }
    const publishId = record.get("pub") ?? "";
    if (origin === this.instanceId) {
      // Our own batches from an outage already reached our clients under their local cursor,
      // whether this entry is their recovery append or the publish whose answer was lost.
      if (this.deliveredLocally.delete(publishId) || record.has("local")) return;
    }
    const source = record.get("source");
    const metrics = record.get("metrics");
    if (!source || !metrics || !cursor) return;
    // A batch re-appended after an outage is stored under its local cursor.
    const storedAs = parseCursor(record.get("local") ?? "") ?? cursor;
    this.watermarks.delivered({ ms: cursor.ms, seq: cursor.seq }, origin, storedAs);
    const batch = toBatch(id, source, JSON.parse(metrics) as Metric[]);
    if (this.awaitingAnswer.has(publishId)) this.awaitingAnswer.set(publishId, batch);
    this.deliver(batch);
  }
}

/** See RedisBatchBus.announceForgotten; also used by `npm run aggregate`, which has no bus. */
export async function announceForgotten(
  redis: Redis,
  stream: string,
  origin: string,
  before: BatchCursor,
): Promise<void> {
  const id = formatCursor(before);
  await redis.multi().set(`${stream}:forgotten`, id).xadd(stream, "*", "origin", origin, "forget", id).exec();
}

function toBatch(id: string, source: string, metrics: Metric[]): Batch {
  const cursor: BatchCursor | null = parseCursor(id);
  return {
    id,
    source,
    count: metrics.length,
    timestamp: new Date(cursor?.ms ?? Date.now()).toISOString(),
    metrics,
  };
}
