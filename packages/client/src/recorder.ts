// MetricsRecorder: buffers metric events and posts them in batches (every flushIntervalMs or
// batchSize events), retrying without duplicating (one Idempotency-Key per batch) and holding
// at most maxQueue events; what it must drop is counted and reported, never lost silently.
import { type BackoffPolicy, backoffDelay, Pause, parseRetryAfter, unref } from "./backoff.ts";
import { navigationEvent, schedulerEvent, schedulerStartEvent, scrapeEvent } from "./events.ts";
import { watchExit } from "./exit-flush.ts";
import type { NavigationHealth } from "./health.ts";
import {
  MAX_EVENTS_PER_REQUEST,
  type MetricEvent,
  type NavigationRecord,
  type SchedulerRunRecord,
  type ScrapeRecord,
} from "./types.ts";

/** Why events were dropped: queue over maxQueue, refused by the server (4xx), recorded after
 * close(), or still unsent when a flush on close or exit ran out of time. */
export type DropReason = "queue_full" | "rejected" | "closed" | "timeout";

export interface MetricsRecorderOptions {
  /** Server root, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Ingest token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Extra headers on every request (a proxy's, or the server's demo marking its own traffic). */
  headers?: Record<string, string>;
  /** Events per request; a batch is also sent every flushIntervalMs. Default 100 (max 5000). */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Events held in memory at most (queued and in flight). Default 10000. */
  maxQueue?: number;
  onDrop?: (events: MetricEvent[], reason: DropReason) => void;
  /** Called for a batch the server refused (4xx other than 429) and for invalid records. */
  onError?: (error: Error) => void;
  /** Backoff between retries of a batch. Default 500 ms × 2 up to 30 s, half jittered. */
  retry?: Partial<BackoffPolicy>;
  requestTimeoutMs?: number;
  /** How long close() and the flush at process exit may take before the rest is dropped. */
  closeTimeoutMs?: number;
  /** Flush at `beforeExit`, SIGTERM and SIGINT. Default true. */
  flushOnExit?: boolean;
}

/** A batch the server refused; retrying it would not help. */
export class IngestRejectedError extends Error {
  override readonly name = "IngestRejectedError";
  constructor(
    readonly status: number,
    readonly body: string,
    readonly events: number,
  ) {
    super(`the server refused ${events} event(s) with ${status}: ${body.slice(0, 500)}`);
  }
}

const RETRY_DEFAULTS: BackoffPolicy = { baseDelayMs: 500, factor: 2, maxDelayMs: 30_000, jitter: 0.5 };

export class MetricsRecorder {
  /** Events dropped so far (see DropReason); also reported through onDrop. */
  dropped = 0;
  /** Events the server has accepted. */
  sent = 0;
  /** Requests that failed and were retried. */
  retries = 0;

  private readonly endpoint: string;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueue: number;
  private readonly retryPolicy: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private queue: MetricEvent[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pumping: Promise<void> | null = null;
  private drainAll = false;
  /** Deadlines of the flushes under way with one (close, exit): the earliest applies. */
  private readonly deadlines = new Set<{ at: number }>();
  private readonly pause = new Pause();
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly unwatchExit: () => void;

  constructor(private readonly options: MetricsRecorderOptions) {
    this.endpoint = new URL("/api/v1/metrics", options.baseUrl).toString();
    this.batchSize = Math.max(1, Math.min(MAX_EVENTS_PER_REQUEST, options.batchSize ?? 100));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1000);
    this.maxQueue = Math.max(this.batchSize, options.maxQueue ?? 10_000);
    this.retryPolicy = { ...RETRY_DEFAULTS, ...options.retry };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.unwatchExit =
      options.flushOnExit === false ? () => {} : watchExit(() => this.flushWithin(this.closeTimeoutMs));
  }

  /** Events waiting to be sent, including the batch in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  recordPageNavigation(source: string, record: NavigationRecord & NavigationHealth): void {
    this.record(() => navigationEvent(source, record));
  }

  recordPageScrape(source: string, record: ScrapeRecord & { proxy?: string | null }): void {
    this.record(() => scrapeEvent(source, record));
  }

  recordSchedulerRun(name: string, record: SchedulerRunRecord): void {
    this.record(() => schedulerEvent(name, record));
  }

  /** A run has started (finish it with recordSchedulerRun and the same runId). */
  recordSchedulerStart(name: string, runId: string): void {
    this.record(() => schedulerStartEvent(name, runId));
  }

  /** Sends everything recorded so far; resolves once it is accepted, refused or dropped. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.queue.length > 0 || this.pumping) {
      this.drainAll = true;
      await this.startPump();
    }
  }

  /** Flushes (giving up after closeTimeoutMs) and stops: later records are dropped as "closed". */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unwatchExit();
      await this.flushWithin(this.closeTimeoutMs);
      this.closed = true;
    })();
    return this.closing;
  }

  /** Flush with a deadline, holding the process open meanwhile: for close() and process exit. */
  async flushWithin(ms: number): Promise<void> {
    // A holder object, so two flushes with the same deadline do not share one entry.
    const deadline = { at: Date.now() + ms };
    this.deadlines.add(deadline);
    // Wake a retry that is waiting unref'd (maybe for long): try now, under the deadline.
    this.pause.cancel();
    try {
      await this.flush();
    } finally {
      this.deadlines.delete(deadline);
    }
  }

  private record(build: () => MetricEvent): void {
    let event: MetricEvent;
    try {
      event = build();
    } catch (error) {
      // A metrics library must not break the scraper that calls it: report, do not throw.
      this.reportError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.closed) {
      this.drop([event], "closed");
      return;
    }
    if (this.pending >= this.maxQueue) {
      // Keep the newest: during a long outage recent figures matter more than old ones.
      const oldest = this.queue.shift();
      this.drop([oldest ?? event], "queue_full");
      if (!oldest) return;
    }
    this.queue.push(event);
    if (this.queue.length >= this.batchSize) void this.startPump();
    else this.armTimer();
  }

  private armTimer(): void {
    if (this.timer || this.pumping) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drainAll = true;
      void this.startPump();
    }, this.flushIntervalMs);
    // The interval must not keep a finished script alive: beforeExit flushes what is left.
    unref(this.timer);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private startPump(): Promise<void> {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
      this.drainAll = false;
      if (this.queue.length > 0) this.armTimer();
    });
    return this.pumping;
  }

  // One batch in flight at a time keeps events in order and the server's load even.
  private async pump(): Promise<void> {
    this.clearTimer();
    while (this.queue.length >= this.batchSize || (this.drainAll && this.queue.length > 0)) {
      const events = this.queue.splice(0, this.batchSize);
      this.inFlight = events.length;
      try {
        await this.deliver(events);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  private async deliver(events: MetricEvent[]): Promise<void> {
    const key = globalThis.crypto.randomUUID();
    const body = JSON.stringify({ metrics: events });
    for (let attempt = 0; ; attempt++) {
      const left = this.deadline === null ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
      if (left <= 0) return this.drop(events, "timeout");
      let waitMs: number;
      try {
        const response = await fetch(this.endpoint, {
          method: "POST",
          headers: this.headers(key),
          body,
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.requestTimeoutMs, left))),
        });
        const text = await response.text().catch(() => "");
        if (response.ok) {
          this.sent += events.length;
          return;
        }
        if (response.status === 413 && events.length > 1) {
          // Nothing of it was stored: the halves are new batches with keys of their own.
          const half = Math.ceil(events.length / 2);
          await this.deliver(events.slice(0, half));
          return this.deliver(events.slice(half));
        }
        // 409: a request with this Idempotency-Key (an earlier attempt of ours that timed out) is
        // still being accepted somewhere; the retry gets its answer once it is done.
        const retryable = [408, 409, 429].includes(response.status) || response.status >= 500;
        if (!retryable) {
          this.reportError(new IngestRejectedError(response.status, text, events.length));
          return this.drop(events, "rejected");
        }
        waitMs =
          parseRetryAfter(response.headers.get("retry-after")) ?? backoffDelay(this.retryPolicy, attempt);
      } catch {
        // Network error or timeout: the server may have stored it; the same key makes the retry safe.
        waitMs = backoffDelay(this.retryPolicy, attempt);
      }
      this.retries++;
      const remaining = this.deadline === null ? waitMs : Math.min(waitMs, this.deadline - Date.now());
      await this.pause.wait(Math.max(0, remaining), this.deadline !== null);
    }
  }

  private get deadline(): number | null {
    let earliest: number | null = null;
    for (const { at } of this.deadlines) earliest = earliest === null ? at : Math.min(earliest, at);
    return earliest;
  }

  private headers(key: string): Record<string, string> {
    const headers: Record<string, string> = {
      ...this.options.headers,
      "content-type": "application/json",
      "idempotency-key": key,
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    return headers;
  }

  private drop(events: MetricEvent[], reason: DropReason): void {
    this.dropped += events.length;
    try {
      this.options.onDrop?.(events, reason);
    } catch {
      // A throwing callback must not stop the recorder.
    }
  }

  private reportError(error: Error): void {
    if (!this.options.onError) {
      warn(error.message);
      return;
    }
    try {
      this.options.onError(error);
    } catch {
      // As above.
    }
  }
}

/** Node's warning channel (shown once per process, silenced by --no-warnings), else the console. */
export function warn(message: string, code = "SCRAPEWATCH"): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: { code: string }) => void } })
    .process;
  if (proc?.emitWarning) proc.emitWarning(message, { code });
  else console.warn(`[scrapewatch] ${message}`);
}
