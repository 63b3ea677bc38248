// The batched writer: accepted events wait here, in delivery order, until they are stored.
// Flushed every FLUSH_INTERVAL_MS or once FLUSH_BATCH_SIZE events wait; one flush writes many
// rows per statement. A database that is away keeps everything queued (retried with backoff);
// rows it refuses for their data are isolated by bisection and dead-lettered.
import { type Dialect, isDataError, type MetricStore, type StoredEvent } from "@scrapewatch/db";
import { estimateEventBytes } from "@scrapewatch/hub";
import type { Logger } from "../logger.ts";
import type { DeadLetterFile } from "./dead-letter.ts";

export interface BatchWriterOptions {
  store: MetricStore;
  dialect: Dialect;
  deadLetter: DeadLetterFile;
  logger: Logger;
  flushIntervalMs: number;
  flushBatchSize: number;
  /** Rows taken per flush round; the store splits them into statements. */
  maxRowsPerFlush?: number;
  /** Called after rows are stored, with the write lag of the oldest (ms since it was queued). */
  onWritten?(count: number, lagMs: number): void;
  /** Called after a flush with the position key of the newest row handled (stored or refused). */
  onStoredThrough?(position: string): void;
}

interface QueuedChunk {
  events: StoredEvent[];
  queuedAt: number;
  /** Estimated heap bytes of the events (MAX_PENDING_BYTES). */
  bytes: number;
}

const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class BatchWriter {
  private readonly queue: QueuedChunk[] = [];
  private queued = 0;
  private queuedBytes = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Waiting for the rows up to a position to be stored (whenStored). */
  private storedWaiters: { position: string; resolve: () => void }[] = [];
  written = 0;
  /** Whether the last write attempt reached the database. */
  healthy = true;
  lastError: string | null = null;

  constructor(private readonly options: BatchWriterOptions) {}

  /** Events waiting to be stored (including a flush in progress). */
  get pending(): number {
    return this.queued;
  }

  /** Rows refused by the database that the dead-letter file could not take (logged instead). */
  get deadLetterFailures(): number {
    return this.options.deadLetter.failures;
  }

  /** Estimated bytes of the events waiting to be stored. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Position key of the oldest event still waiting to be written, or null. The queue is in
   * delivery order, so every stored row before it is final: readers page up to it without gaps.
   */
  get oldestPendingPosition(): string | null {
    return this.queue[0]?.events[0]?.position ?? null;
  }

  /** Resolves once every row up to this position key is stored (or dead-lettered). */
  whenStored(position: string): Promise<void> {
    return new Promise((resolve) => this.storedWaiters.push({ position, resolve }));
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues events for storage; `bytes` is their estimated size when the caller has it already. */
  enqueue(events: StoredEvent[], bytes = storedBytes(events)): void {
    if (events.length === 0) return;
    this.queue.push({ events, queuedAt: Date.now(), bytes });
    this.queued += events.length;
    this.queuedBytes += bytes;
    if (this.queued >= this.options.flushBatchSize) this.kick();
  }

  /** Starts a flush unless one is running or the writer is backing off. */
  kick(): void {
    if (this.flushing || this.retryTimer || this.queued === 0) return;
    this.flushing = this.flushRound().finally(() => {
      this.flushing = null;
      // More may have arrived while writing: keep going while the database keeps up.
      if (this.healthy && !this.stopped && this.queued >= this.options.flushBatchSize) this.kick();
    });
  }

  /**
   * Writes everything queued, retrying while the database is away, until done or the deadline
   * passes. Returns what could not be written (to be spilled by the caller).
   */
  async drain(deadline: number): Promise<StoredEvent[]> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.queued > 0 && Date.now() < deadline) {
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      if (!this.flushing) this.kick();
      await this.flushing;
      if (!this.healthy && this.queued > 0) {
        await new Promise((resolve) =>
          setTimeout(
            resolve,
            Math.min(this.backoffMs || BACKOFF_START_MS, Math.max(0, deadline - Date.now())),
          ),
        );
      }
    }
    await this.flushing;
    const left = this.queue.flatMap((chunk) => chunk.events);
    this.queue.length = 0;
    this.queued = 0;
    this.queuedBytes = 0;
    return left;
  }

  private async flushRound(): Promise<void> {
    const limit = this.options.maxRowsPerFlush ?? 10_000;
    const taken: QueuedChunk[] = [];
    let rows = 0;
    for (const chunk of this.queue) {
      if (rows > 0 && rows + chunk.events.length > limit) break;
      taken.push(chunk);
      rows += chunk.events.length;
    }
    const events = taken.flatMap((chunk) => chunk.events);
    try {
      await this.writeIsolatingBadRows(events);
    } catch (error) {
      this.onUnavailable(error);
      return;
    }
    // Only now leave the queue: a failure above keeps every event for the next attempt.
    this.queue.splice(0, taken.length);
    this.queued -= rows;
    for (const chunk of taken) this.queuedBytes -= chunk.bytes;
    this.written += rows;
    this.healthy = true;
    this.backoffMs = 0;
    this.lastError = null;
    const oldest = taken[0]?.queuedAt ?? Date.now();
    this.options.onWritten?.(rows, Date.now() - oldest);
    const newest = taken[taken.length - 1]?.events.at(-1)?.position;
    if (newest !== undefined) {
      this.options.onStoredThrough?.(newest);
      this.resolveStored(newest);
    }
  }

  private resolveStored(newest: string): void {
    if (this.storedWaiters.length === 0) return;
    const waiting = this.storedWaiters;
    this.storedWaiters = [];
    for (const waiter of waiting) {
      if (waiter.position <= newest) waiter.resolve();
      else this.storedWaiters.push(waiter);
    }
  }

  /** Throws only when the database is unreachable; refused rows go to the dead-letter file. */
  private async writeIsolatingBadRows(events: StoredEvent[]): Promise<void> {
    try {
      await this.options.store.insert(events);
    } catch (error) {
      if (!isDataError(error, this.options.dialect)) throw error;
      if (events.length === 1) {
        const reason =
          error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
        await this.options.deadLetter.write(events, reason);
        this.options.logger.warn("row refused by the database, dead-lettered", {
          id: events[0]?.metric.id,
          reason,
        });
        return;
      }
      // Rows already written by an earlier statement are skipped as duplicates on the re-run.
      const middle = Math.ceil(events.length / 2);
      await this.writeIsolatingBadRows(events.slice(0, middle));
      await this.writeIsolatingBadRows(events.slice(middle));
    }
  }

  private onUnavailable(error: unknown): void {
    const message =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    if (this.healthy)
      this.options.logger.warn("database unavailable, events stay queued", {
        err: message,
        pending: this.queued,
      });
    this.healthy = false;
    this.lastError = message;
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs === 0 ? BACKOFF_START_MS : this.backoffMs * 2);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.backoffMs);
    this.retryTimer.unref();
  }
}

function storedBytes(events: readonly StoredEvent[]): number {
  let bytes = 0;
  for (const event of events) bytes += estimateEventBytes(event.metric);
  return bytes;
}
