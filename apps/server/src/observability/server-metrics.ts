// What /metrics reports: ingest counts, batch sizes, write lag, queue depths, and the streaming
// figures (clients, slow consumers dropped, resume hits and misses) when the streams provide them.
import type { Batch } from "@scrapewatch/protocol";
import type { BatchWriter } from "../pipeline/batch-writer.ts";
import type { IngestPipeline } from "../pipeline/ingest-pipeline.ts";
import { type Histogram, Registry } from "./prometheus.ts";

/** Figures the streaming side keeps; read at each scrape of /metrics. */
export interface StreamStats {
  clients: { sse: number; websocket: number };
  droppedSlowConsumers: number;
  resumeHits: number;
  resumeMisses: number;
  /** Subscribed clients per source ("*" for clients of every source), for /api/v1/stats. */
  subscriptions?: Record<string, number>;
}

export interface MetricSources {
  pipeline: IngestPipeline;
  writer: BatchWriter;
  streamStats: () => StreamStats | undefined;
  anomalies: () => number;
  startedAt: number;
}

const BATCH_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly batchSize: Histogram;
  private readonly writeLag: Histogram;

  constructor() {
    this.batchSize = this.registry.histogram(
      "scrapewatch_batch_size_events",
      "Events per published batch.",
      BATCH_BUCKETS,
    );
    this.writeLag = this.registry.histogram(
      "scrapewatch_write_lag_seconds",
      "Time from an event being queued for storage until it is written (per flushed row).",
      LAG_BUCKETS,
    );
  }

  observeBatch(batch: Batch): void {
    this.batchSize.observe(batch.count);
  }

  observeWrite(rows: number, lagMs: number): void {
    this.writeLag.observe(lagMs / 1000, rows);
  }

  /** Registers the figures read live from the running parts. */
  attach(sources: MetricSources): void {
    const r = this.registry;
    const { pipeline, writer } = sources;
    r.collect("scrapewatch_ingest_events_total", "Events accepted at ingest, by source.", "counter", () =>
      [...pipeline.acceptedBySource].map(([source, value]) => ({ labels: { source }, value })),
    );
    r.collect("scrapewatch_rows_written_total", "Events written to the database.", "counter", () => [
      { value: writer.written },
    ]);
    r.collect("scrapewatch_queue_depth_events", "Accepted events not yet stored, by stage.", "gauge", () => [
      { labels: { stage: "batching" }, value: pipeline.batching },
      { labels: { stage: "writer" }, value: writer.pending },
      { labels: { stage: "total" }, value: pipeline.pending },
    ]);
    r.collect("scrapewatch_database_up", "1 when the last write reached the database.", "gauge", () => [
      { value: writer.healthy ? 1 : 0 },
    ]);
    r.collect("scrapewatch_anomalies_total", "Anomalies detected by this instance.", "counter", () => [
      { value: sources.anomalies() },
    ]);
    const stream = sources.streamStats;
    r.collect("scrapewatch_connected_clients", "Connected stream clients, by transport.", "gauge", () => {
      const stats = stream();
      return [
        { labels: { transport: "sse" }, value: stats?.clients.sse ?? 0 },
        { labels: { transport: "websocket" }, value: stats?.clients.websocket ?? 0 },
      ];
    });
    r.collect(
      "scrapewatch_dropped_slow_consumers_total",
      "Stream clients dropped for not keeping up.",
      "counter",
      () => [{ value: stream()?.droppedSlowConsumers ?? 0 }],
    );
    r.collect("scrapewatch_resume_total", "Stream resumes from a cursor, by outcome.", "counter", () => {
      const stats = stream();
      return [
        { labels: { result: "hit" }, value: stats?.resumeHits ?? 0 },
        { labels: { result: "miss" }, value: stats?.resumeMisses ?? 0 },
      ];
    });
    r.collect("scrapewatch_uptime_seconds", "Seconds since the server started.", "gauge", () => [
      { value: (Date.now() - sources.startedAt) / 1000 },
    ]);
    r.collect("process_resident_memory_bytes", "Resident memory of the process.", "gauge", () => [
      { value: process.memoryUsage.rss() },
    ]);
  }
}
