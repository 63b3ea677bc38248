// The path of an accepted event: id and timestamp → per-source batcher → batch bus (the cursor)
// → batched writer. Every event counts against MAX_PENDING from acceptance until it is stored.
import type { StoredEvent } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import { Batcher } from "@scrapewatch/hub";
import { type Batch, type Metric, parseCursor, positionKey, type ValidMetric } from "@scrapewatch/protocol";
import { ApiError } from "../http/api-error.ts";
import type { Logger } from "../logger.ts";
import type { BatchWriter } from "./batch-writer.ts";
import { EventIdGenerator } from "./event-ids.ts";

export interface IngestPipelineOptions {
  bus: BatchBus;
  writer: BatchWriter;
  logger: Logger;
  batchIntervalMs: number;
  maxBatchSize: number;
  maxPending: number;
  ids?: EventIdGenerator;
}

export type PublishedListener = (batch: Batch) => void;

export class IngestPipeline {
  private readonly batcher: Batcher;
  private readonly ids: EventIdGenerator;
  private readonly listeners = new Set<PublishedListener>();
  private publishing = 0;
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

  get batching(): number {
    return this.batcher.waiting;
  }

  /** Called with each batch this instance published (e.g. for anomaly detection). */
  onPublished(listener: PublishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues validated events; returns their ids. Throws ApiError (429/503) when it cannot. */
  accept(events: readonly ValidMetric[]): string[] {
    if (this.closed) throw new ApiError("shutting_down", "the server is shutting down", undefined, 5);
    const room = this.options.maxPending - this.pending;
    if (events.length > room) {
      throw new ApiError(
        "queue_full",
        `the ingest queue is full (${this.pending} events waiting); retry later`,
        { pending: this.pending, maxPending: this.options.maxPending },
        this.retryAfterSeconds(),
      );
    }
    const now = new Date().toISOString();
    const metrics = events.map(
      (event) => ({ ...event, id: this.ids.next(), timestamp: event.timestamp ?? now }) as Metric,
    );
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

  private publish(source: string, metrics: Metric[]): void {
    this.publishing += metrics.length;
    const done = this.options.bus
      .publish(source, metrics)
      .then(
        (batch) => {
          this.options.writer.enqueue(toStoredEvents(batch));
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
