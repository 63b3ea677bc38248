// The history and operations side of a running server: daily summaries and the nightly job,
// anomaly detection on published batches, and the figures /metrics reports.
import { AnomalyStore, DailySummaryStore, type Database } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type { BatchCursor } from "@scrapewatch/protocol";
import { type AnomalySink, AnomalyWatch } from "./anomalies/anomaly-watch.ts";
import type { Env } from "./env.ts";
import { scheduleDaily } from "./jobs/daily-schedule.ts";
import { type NightlyReport, resumableFrom, runNightlyJob } from "./jobs/nightly-job.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import type { ServerMetrics, StreamStats } from "./observability/server-metrics.ts";
import type { BatchWriter } from "./pipeline/batch-writer.ts";
import { EventIdGenerator } from "./pipeline/event-ids.ts";
import type { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import { LiveFigures } from "./sources/live-figures.ts";
import { SourceDirectory } from "./sources/source-directory.ts";

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

export interface HistoryDeps {
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
  /** Told after retention deleted rows: resumes from an older cursor must get `reset`. */
  onRawDeleted?: (resumableFrom: BatchCursor) => void;
}

export function startHistory(deps: HistoryDeps): HistoryServices {
  const { env, logger, database, pipeline, writer, metrics, lifecycle } = deps;
  const summaries = new DailySummaryStore(database);
  const anomalies = new AnomalyStore(database);
  const ids = new EventIdGenerator();
  const watch = new AnomalyWatch({
    pipeline,
    store: anomalies,
    logger,
    threshold: env.ANOMALY_THRESHOLD,
    newId: () => ids.next(),
    sink: deps.anomalySink,
  });
  pipeline.onPublished((batch) => metrics.observeBatch(batch));
  const live = new LiveFigures();
  const stopLive = deps.bus.onBatch((batch) => live.observe(batch));
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
