// What /metrics reports, through prom-client: the process and Node.js defaults, HTTP request
// durations, refusals and idempotent replays, and the product's figures (ingest by source, batch
// sizes, write lag, queue depths, streams). Live figures are read at scrape time (collect
// callbacks), so the per-event path only ever increments a counter.
import type { Batch } from "@scrapewatch/protocol";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { BatchWriter } from "../pipeline/batch-writer.ts";
import type { IngestPipeline } from "../pipeline/ingest-pipeline.ts";
import type { StreamStats } from "../stream/streams.ts";
import {
  type MonitorCounts,
  type NotificationOutcome,
  NotificationMetrics,
  registerMonitorMetrics,
} from "./monitor-metrics.ts";
import { BoundedSourceCounts } from "./source-labels.ts";

/** What the streaming side reports at each scrape: its stats and subscriptions per source. */
export type StreamFigures = StreamStats & {
  /** Subscribed clients per source ("*" for clients of every source), for /api/v1/stats. */
  subscriptions?: Record<string, number>;
};

export interface MetricSources {
  pipeline: IngestPipeline;
  writer: BatchWriter;
  streamStats: () => StreamFigures | undefined;
  anomalies: () => number;
  startedAt: number;
}

/** Why a request was refused: `scrapewatch_refused_requests_total{reason}`. */
export const REFUSAL_REASONS = ["rate_limit", "queue_full", "too_many_sources", "client_limit"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface ServerMetricsOptions {
  /** METRICS_SOURCE_LABELS: sources with a series of their own; the rest are `_other`. */
  sourceLabels?: number;
}

const GAUGES_NAMED_LIKE_COUNTERS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];
const BATCH_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly batchSize: Histogram;
  private readonly writeLag: Histogram;
  private readonly requestDuration: Histogram<"method" | "route" | "status_class">;
  private readonly refusals: Counter<"reason">;
  private readonly replays: Counter;
  private readonly sourceCounts: BoundedSourceCounts;
  private notifications: NotificationMetrics | null = null;

  constructor(options: ServerMetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which promtool rejects; their per-type siblings
    // (nodejs_active_handles{type}, ...) carry the same figures, summed.
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
    this.sourceCounts = new BoundedSourceCounts(options.sourceLabels ?? 100);
    const registers = [this.registry];
    this.batchSize = new Histogram({
      name: "scrapewatch_batch_size_events",
      help: "Events per published batch.",
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.writeLag = new Histogram({
      name: "scrapewatch_write_lag_seconds",
      help: "Time from an event being queued for storage until it is written (per flushed row).",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.requestDuration = new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request durations by method, route template and status class (2xx, 4xx, ...).",
      labelNames: ["method", "route", "status_class"] as const,
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: "scrapewatch_refused_requests_total",
      help: "Requests refused to protect the server, by reason (rate_limit, queue_full, too_many_sources, client_limit).",
      labelNames: ["reason"] as const,
      registers,
    });
    for (const reason of REFUSAL_REASONS) this.refusals.inc({ reason }, 0);
    this.replays = new Counter({
      name: "scrapewatch_idempotent_replays_total",
      help: "Ingest requests answered from an earlier one with the same Idempotency-Key.",
      registers,
    });
  }

  /** The exposition text (format 0.0.4) and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  observeBatch(batch: Batch): void {
    this.batchSize.observe(batch.count);
  }

  observeWrite(rows: number, lagMs: number): void {
    // One lag per flush, weighted by its rows (they waited as long as the oldest, or less).
    for (let i = 0; i < rows; i++) this.writeLag.observe(lagMs / 1000);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const status_class = `${Math.floor(status / 100)}xx`;
    this.requestDuration.observe({ method, route, status_class }, seconds);
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  idempotentReplay(): void {
    this.replays.inc();
  }

  /** Monitor states and open incidents, read at each scrape (monitor-metrics.ts). */
  watchMonitors(read: () => MonitorCounts): void {
    registerMonitorMetrics(this.registry, read);
  }

  /** One notification attempt's outcome, by channel type. */
  notification(channelType: string, outcome: NotificationOutcome): void {
    this.notifications ??= new NotificationMetrics(this.registry);
    this.notifications.count(channelType, outcome);
  }

  /** Registers the figures read live from the running parts. */
  attach(sources: MetricSources): void {
    const { pipeline, writer } = sources;
    const registers = [this.registry];
    const sourceCounts = this.sourceCounts;
    new Counter({
      name: "scrapewatch_ingest_events_total",
      help: 'Events accepted at ingest, by source (the busiest METRICS_SOURCE_LABELS; the rest as source="_other").',
      labelNames: ["source"] as const,
      registers,
      collect() {
        this.reset();
        for (const { source, value } of sourceCounts.read(pipeline.acceptedBySource)) {
          this.inc({ source }, value);
        }
      },
    });
    new Gauge({
      name: "scrapewatch_sources",
      help: "Sources with ingest counts held in memory.",
      registers,
      collect() {
        this.set(pipeline.acceptedBySource.size);
      },
    });
    scrapeCounter(
      this.registry,
      "scrapewatch_rows_written_total",
      "Events written to the database.",
      [],
      () => [[{}, writer.written]],
    );
    scrapeCounter(
      this.registry,
      "scrapewatch_dead_letter_write_failures_total",
      "Rows the database refused that could not be written to the dead-letter file (logged instead).",
      [],
      () => [[{}, writer.deadLetterFailures]],
    );
    new Gauge({
      name: "scrapewatch_queue_depth_events",
      help: "Accepted events not yet stored, by stage.",
      labelNames: ["stage"] as const,
      registers,
      collect() {
        this.set({ stage: "batching" }, pipeline.batching);
        this.set({ stage: "writer" }, writer.pending);
        this.set({ stage: "total" }, pipeline.pending);
      },
    });
    new Gauge({
      name: "scrapewatch_database_up",
      help: "1 when the last write reached the database.",
      registers,
      collect() {
        this.set(writer.healthy ? 1 : 0);
      },
    });
    scrapeCounter(
      this.registry,
      "scrapewatch_anomalies_total",
      "Anomalies detected by this instance.",
      [],
      () => [[{}, sources.anomalies()]],
    );
    this.attachStreams(sources.streamStats);
    new Gauge({
      name: "scrapewatch_uptime_seconds",
      help: "Seconds since the server started.",
      registers,
      collect() {
        this.set((Date.now() - sources.startedAt) / 1000);
      },
    });
  }

  private attachStreams(read: () => StreamFigures | undefined): void {
    new Gauge({
      name: "scrapewatch_connected_clients",
      help: "Connected stream clients, by transport.",
      labelNames: ["transport"] as const,
      registers: [this.registry],
      collect() {
        const stats = read();
        this.set({ transport: "sse" }, stats?.clients.sse ?? 0);
        this.set({ transport: "websocket" }, stats?.clients.websocket ?? 0);
      },
    });
    scrapeCounter(
      this.registry,
      "scrapewatch_dropped_slow_consumers_total",
      "Stream clients dropped for not keeping up.",
      [],
      () => [[{}, read()?.droppedSlowConsumers ?? 0]],
    );
    scrapeCounter(
      this.registry,
      "scrapewatch_resume_total",
      "Stream resumes from a cursor, by outcome (hit: from memory, miss: from storage, reset).",
      ["result"],
      () => {
        const stats = read();
        return [
          [{ result: "hit" }, stats?.resumeHits ?? 0],
          [{ result: "miss" }, stats?.resumeMisses ?? 0],
          [{ result: "reset" }, stats?.resumeResets ?? 0],
        ];
      },
    );
  }
}

type Labels = Record<string, string>;

/** A counter whose values are kept elsewhere (a running part's own count) and read when scraped. */
function scrapeCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: () => [Labels, number][],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}
