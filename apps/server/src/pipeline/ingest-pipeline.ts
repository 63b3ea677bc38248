// The path of an accepted event: id and timestamp → per-source batcher → batch bus (the cursor)
// → batched writer. Every event counts against MAX_PENDING from acceptance until it is stored.
import type { StoredEvent } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import { Batcher, estimateEventsBytes } from "@scrapewatch/hub";
import { type Batch, type Metric, parseCursor, positionKey, type ValidMetric } from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";
import type { ActiveSources } from "../sources/active-sources.ts";
import type { BatchWriter } from "./batch-writer.ts";
import { EventIdGenerator } from "./event-ids.ts";
import { QueueFull, ShuttingDown, TimestampTooOld } from "./ingest-errors.ts";

export interface IngestPipelineOptions {
  bus: BatchBus;
  writer: BatchWriter;
  logger: Logger;
  batchIntervalMs: number;
  maxBatchSize: number;
  maxPending: number;
  /** Estimated bytes of accepted-but-unstored events (MAX_PENDING_BYTES). */
  maxPendingBytes?: number;
  /** Events older than this many days are refused (they would be deleted at once). */
  retentionDays?: number;
  /** MAX_SOURCES and idle sources; without it every source is admitted. */
  sources?: ActiveSources;
  ids?: EventIdGenerator;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export type PublishedListener = (batch: Batch) => void;

export class IngestPipeline {
  private readonly batcher: Batcher;
  private readonly ids: EventIdGenerator;
  private readonly listeners = new Set<PublishedListener>();
  private publishing = 0;
  /** Estimated bytes in the batcher and being published (the writer counts its own). */
  private unpublishedBytes = 0;
  private inFlight = new Set<Promise<void>>();
  private closed = false;
  accepted = 0;
  readonly acceptedBySource = new Map<string, number>();

  constructor(private readonly options: IngestPipelineOptions) {
    this.ids = options.ids ?? new EventIdGenerator();
    this.batcher = new Batcher({
      intervalMs: options.batchIntervalMs,
      maxSize: options.maxBatchSize,
      onSeal: (source, metrics) => this.publish(source, metrics),
    });
  }

  /** Accepted events not yet stored: batching, publishing or waiting for the writer. */
  get pending(): number {
    return this.batcher.waiting + this.publishing + this.options.writer.pending;
  }

  /** Estimated bytes of accepted events not yet stored. */
  get pendingBytes(): number {
    return this.unpublishedBytes + this.options.writer.pendingBytes;
  }

  get batching(): number {
    return this.batcher.waiting;
  }

  /** Called with each batch this instance published (e.g. for anomaly detection). */
  onPublished(listener: PublishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues validated events; returns their ids. Throws an IngestRefused (ShuttingDown,
   * TimestampTooOld, QueueFull, TooManySources) when it cannot, having accepted nothing.
   */
  accept(events: readonly ValidMetric[]): string[] {
    if (this.closed) throw new ShuttingDown();
    this.refuseExpired(events);
    this.assertRoom(events.length);
    this.options.sources?.admit(events.map((event) => event.source));
    const now = new Date().toISOString();
    const metrics = events.map(
      (event) => ({ ...event, id: this.ids.next(), timestamp: event.timestamp ?? now }) as Metric,
    );
    this.unpublishedBytes += estimateEventsBytes(metrics);
    this.batcher.add(metrics);
    this.accepted += metrics.length;
    for (const metric of metrics) {
      this.acceptedBySource.set(metric.source, (this.acceptedBySource.get(metric.source) ?? 0) + 1);
    }
    return metrics.map((metric) => metric.id);
  }

  /** Stops accepting, seals what is batched and waits until it is handed to the writer. */
  async close(): Promise<void> {
    this.closed = true;
    this.batcher.flushAll();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Throws QueueFull (429 `queue_full`) unless `events` more fit under MAX_PENDING and MAX_PENDING_BYTES.
   * Also called before a request's body is read (0 events): a full queue refuses it unparsed.
   */
  assertRoom(events: number): void {
    const room = this.options.maxPending - this.pending;
    const maxBytes = this.options.maxPendingBytes ?? Number.POSITIVE_INFINITY;
    if (events <= room && this.pendingBytes < maxBytes) return;
    throw new QueueFull(this.pending, this.options.maxPending, this.pendingBytes, this.retryAfterSeconds());
  }

  /** Drops a source's counters when it leaves memory (ActiveSources). */
  forgetSource(source: string): void {
    this.acceptedBySource.delete(source);
  }

  /** TimestampTooOld (400 `timestamp_too_old`), naming each event dated before RETENTION_DAYS. */
  private refuseExpired(events: readonly ValidMetric[]): void {
    if (this.options.retentionDays === undefined) return;
    const oldest = Date.now() - this.options.retentionDays * DAY_MS;
    const issues: { index: number; path: string; message: string }[] = [];
    events.forEach((event, index) => {
      if (event.timestamp !== undefined && Date.parse(event.timestamp) < oldest && issues.length < 100) {
        issues.push({
          index,
          path: "timestamp",
          message: `timestamp is older than RETENTION_DAYS (${this.options.retentionDays} days): it would be deleted at once`,
        });
      }
    });
    if (issues.length > 0) {
      throw new TimestampTooOld(
        `${issues.length} of ${events.length} events are older than ${this.options.retentionDays} days; nothing was accepted`,
        issues,
      );
    }
  }

  private publish(source: string, metrics: Metric[]): void {
    const bytes = estimateEventsBytes(metrics);
    this.publishing += metrics.length;
    const done = this.options.bus
      .publish(source, metrics)
      .then(
        (batch) => {
          // The batch holds the same events: their size is known already.
          this.options.writer.enqueue(toStoredEvents(batch), bytes);
          for (const listener of this.listeners) listener(batch);
        },
        (error: unknown) =>
          this.options.logger.error("publishing a batch failed", {
            source,
            count: metrics.length,
            err: error,
          }),
      )
      .finally(() => {
        this.publishing -= metrics.length;
        this.unpublishedBytes -= bytes;
        this.inFlight.delete(done);
      });
    this.inFlight.add(done);
  }

  private retryAfterSeconds(): number {
    return this.options.writer.healthy ? 1 : 5;
  }
}

export function toStoredEvents(batch: Batch): StoredEvent[] {
  const cursor = parseCursor(batch.id);
  if (!cursor) throw new Error(`batch has a malformed cursor: ${batch.id}`);
  return batch.metrics.map((metric, index) => ({
    metric,
    position: positionKey({ ms: cursor.ms, seq: cursor.seq, index }),
  }));
}
