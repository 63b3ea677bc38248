// The batch bus over a Redis stream, for several instances behind a load balancer. XADD gives
// each batch its cursor (the stream id), so a cursor means the same on every instance; every
// instance reads the stream in order (XREAD BLOCK) and hands batches to its own transports.
//
// While Redis is away an instance keeps going alone: batches get local cursors from a clock
// that has seen every stream id, reach this instance's clients, and are stored. When Redis is
// back they are appended to the stream (marked with their origin) so the other instances'
// clients receive them too; the origin skips its own, which its clients already have.
import { randomUUID } from "node:crypto";
import type { BatchBus, BatchListener } from "@scrapewatch/hub";
import { CursorClock } from "@scrapewatch/hub";
import { type Batch, type BatchCursor, formatCursor, type Metric, parseCursor } from "@scrapewatch/protocol";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

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
}

const READ_BLOCK_MS = 2_000;
const RECOVERY_PROBE_MS = 500;

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
  }

  static async connect(options: RedisBatchBusOptions): Promise<RedisBatchBus> {
    const bus = new RedisBatchBus(options);
    await Promise.all([bus.writer.connect(), bus.reader.connect()]);
    // Start reading after the newest entry; older batches come from the database on resume.
    const newest = (await bus.writer.xrevrange(options.stream, "+", "-", "COUNT", 1))[0];
    bus.lastReadId = newest?.[0] ?? "0-0";
    const cursor = parseCursor(bus.lastReadId);
    if (cursor) bus.clock.observe(cursor);
    bus.reading = bus.readLoop();
    return bus;
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
    if (!this.degraded) {
      try {
        const id = await this.writer.xadd(
          this.options.stream,
          "MAXLEN",
          "~",
          String(this.options.maxLength ?? 100_000),
          "*",
          "origin",
          this.instanceId,
          "source",
          source,
          "metrics",
          JSON.stringify(metrics),
        );
        if (id) return toBatch(id, source, metrics);
      } catch (error) {
        this.enterDegraded(error);
      }
    }
    return this.publishLocally(source, metrics);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.recovering) clearTimeout(this.recovering);
    this.reader.disconnect();
    await this.reading.catch(() => {});
    await this.writer.quit().catch(() => this.writer.disconnect());
    this.listeners.clear();
  }

  private publishLocally(source: string, metrics: Metric[]): Batch {
    const batch = toBatch(formatCursor(this.clock.next()), source, metrics);
    this.backlog.push({ batch });
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
        const { batch } = entry;
        await this.writer.xadd(
          this.options.stream,
          "*",
          "origin",
          this.instanceId,
          "local",
          batch.id,
          "source",
          batch.source,
          "metrics",
          JSON.stringify(batch.metrics),
        );
        this.backlog.shift();
      }
      this.degraded = false;
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
    // Our own batches from an outage already reached our clients under their local cursor.
    if (record.has("local") && record.get("origin") === this.instanceId) return;
    const source = record.get("source");
    const metrics = record.get("metrics");
    if (!source || !metrics) return;
    this.deliver(toBatch(id, source, JSON.parse(metrics) as Metric[]));
  }
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
