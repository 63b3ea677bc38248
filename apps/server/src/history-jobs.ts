// Starts the history side of a running server: the nightly job (summaries, retention) on its
// schedule, anomaly detection on published batches, the last-hour figures per source, and the
// figures /metrics reports. Returns the stores and figures the read routes use.
import { AnomalyStore, DailySummaryStore, type Database } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type { BatchCursor } from "@scrapewatch/protocol";
import { type AnomalySink, AnomalyWatch } from "./anomalies/anomaly-watch.ts";
import type { Env } from "./env.ts";
import { scheduleDaily } from "./jobs/daily-schedule.ts";
import { type NightlyReport, resumableFrom, runNightlyJob } from "./jobs/nightly-job.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import type { ServerMetrics } from "./observability/server-metrics.ts";
import type { BatchWriter } from "./pipeline/batch-writer.ts";
import type { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import type { ActiveSources } from "./sources/active-sources.ts";
import { LiveFigures } from "./sources/live-figures.ts";
import { SourceDirectory } from "./sources/source-directory.ts";
import type { StreamStats } from "./stream/streams.ts";

export interface HistoryServices {
  summaries: DailySummaryStore;
  anomalies: AnomalyStore;
  metrics: ServerMetrics;
  /** Last-hour figures per source, from every batch on the bus. */
  live: LiveFigures;
  sources: SourceDirectory;
  /** Runs the nightly job now (it takes the database lock like the scheduled run). */
  runNightly(date?: string): Promise<NightlyReport>;
}

export interface HistoryJobsDeps {
  env: Env;
  logger: Logger;
  database: Database;
  pipeline: IngestPipeline;
  bus: BatchBus;
  writer: BatchWriter;
  metrics: ServerMetrics;
  lifecycle: Lifecycle;
  startedAt: number;
  /** Looked up when needed: the streaming side may attach after start-up. */
  anomalySink: () => AnomalySink | undefined;
  streamStats: () => StreamStats | undefined;
  /** Sources in memory: a source that leaves is dropped from live figures and baselines. */
  activeSources: ActiveSources;
  /** Told after retention deleted rows: resumes from an older cursor must get `reset`. */
  onRawDeleted?: (resumableFrom: BatchCursor) => void;
}

export function startHistoryJobs(deps: HistoryJobsDeps): HistoryServices {
  const { env, logger, database, pipeline, writer, metrics, lifecycle } = deps;
  const summaries = new DailySummaryStore(database);
  const anomalies = new AnomalyStore(database);
  const watch = new AnomalyWatch({
    bus: deps.bus,
    store: anomalies,
    logger,
    threshold: env.ANOMALY_THRESHOLD,
    maxSources: env.MAX_SOURCES,
    sink: deps.anomalySink,
  });
  pipeline.onPublished((batch) => metrics.observeBatch(batch));
  const live = new LiveFigures();
  const stopLive = deps.bus.onBatch((batch) => live.observe(batch));
  const { activeSources } = deps;
  // Every source on the bus is held in memory (with Redis, other instances' too) until idle.
  const stopTouching = deps.bus.onBatch((batch) => activeSources.touch(batch.source));
  activeSources.onEvicted((source) => {
    live.forget(source);
    watch.forget(source);
    pipeline.forgetSource(source);
  });
  activeSources.start();
  lifecycle.onStop("jobs", () => activeSources.stop());
  lifecycle.onStop("jobs", stopTouching);
  metrics.attach({
    pipeline,
    writer,
    streamStats: deps.streamStats,
    anomalies: () => watch.detected,
    startedAt: deps.startedAt,
  });

  const runNightly = async (date?: string) => {
    const report = await runNightlyJob({
      database,
      logger: logger.child({ job: "nightly" }),
      retentionDays: env.RETENTION_DAYS,
      date,
      shouldStop: () => lifecycle.isStopping,
    });
    const from = resumableFrom(report);
    if (from) deps.onRawDeleted?.(from);
    return report;
  };
  const schedule = scheduleDaily(
    env.AGGREGATE_AT,
    () => runNightly(),
    (error) => logger.error("nightly job failed", { err: error }),
  );
  lifecycle.onStop("jobs", () => schedule.stop());
  lifecycle.onStop("jobs", () => watch.close());
  lifecycle.onStop("jobs", stopLive);

  return { summaries, anomalies, metrics, live, sources: new SourceDirectory(database), runNightly };
}
