// Builds the services a server is made of from the environment: storage, the cursor clock and
// batch bus (local or Redis), the streams, the batched writer, the ingest pipeline and the
// history jobs. Nothing listens here; server.ts serves what this returns.
import { IncidentStore, MetricStore, MonitorStore, openDatabase } from "@scrapewatch/db";
import { CursorClock, LocalBatchBus } from "@scrapewatch/hub";
import { positionFromKey } from "@scrapewatch/protocol";
import type { Env } from "./env.ts";
import { startHistoryJobs } from "./history-jobs.ts";
import { ClientAddresses } from "./http/client-address.ts";
import { OriginPolicy } from "./http/origins.ts";
import { IngestRateLimiter } from "./http/rate-limit.ts";
import { RedisRateLimiter } from "./http/redis-rate-limit.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import { DatabaseLock, RedisLeaseLock } from "./monitors/evaluator-lock.ts";
import { MonitorService } from "./monitors/monitor-service.ts";
import type { IncidentNotifier } from "./monitors/notifier.ts";
import { startNotifications } from "./notifications/notifications.ts";
import { ServerMetrics } from "./observability/server-metrics.ts";
import { BatchWriter } from "./pipeline/batch-writer.ts";
import { DeadLetterFile } from "./pipeline/dead-letter.ts";
import { EventIdGenerator } from "./pipeline/event-ids.ts";
import { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import { SpillFile } from "./pipeline/spill-file.ts";
import { IdempotencyCache } from "./routes/metrics/idempotency.ts";
import { RedisIdempotencyStore } from "./routes/metrics/idempotency-redis.ts";
import { LocalMonitorBroadcast, RedisMonitorBroadcast } from "./scaleout/monitor-broadcast.ts";
import { RedisBatchBus } from "./scaleout/redis-batch-bus.ts";
import { ActiveSources } from "./sources/active-sources.ts";
import { accessTokens, type Services } from "./services.ts";
import { Streams } from "./stream/streams.ts";

export interface BuiltServices {
  services: Services;
  lifecycle: Lifecycle;
  /** Where events unwritten at shutdown are kept for the next start. */
  spill: SpillFile;
}

const START_RETRY_MS = 1_000;
const START_ATTEMPTS = 30;
/** What delivery attempts in flight get at shutdown; the rest go back to the outbox. */
const NOTIFICATION_GRACE_MS = 2_000;

export interface BuildOptions {
  /** Where incident transitions are notified (channels, outbox); default: nowhere. */
  notifier?: IncidentNotifier;
}

export async function buildServices(
  env: Env,
  logger: Logger,
  options: BuildOptions = {},
): Promise<BuiltServices> {
  const database = await openWithRetry(env.DATABASE_URL, logger);
  const store = new MetricStore(database);
  const lifecycle = new Lifecycle();

  // Cursors continue after the newest stored one, so resume works across restarts.
  const clock = new CursorClock();
  const newest = await store.newestPosition();
  if (newest) clock.observe(positionFromKey(newest));
  const spill = new SpillFile(env.SPILL_PATH, logger);
  const spilled = await spill.load();
  // Events spilled by the last run carry cursors too: never hand theirs out again.
  for (const event of spilled) clock.observe(positionFromKey(event.position));
  // With Redis the stream assigns cursors (the same on every instance); connect observes its newest.
  const redisBus = env.REDIS_URL
    ? await RedisBatchBus.connect({ url: env.REDIS_URL, stream: env.REDIS_STREAM, logger, clock })
    : null;
  const bus = redisBus ?? new LocalBatchBus(clock);
  const started = clock.current;
  // With Redis, another instance's unstored batches are read from the stream into the buffer.
  const startAfter = redisBus?.catchUpFrom ?? (started.ms === 0 && started.seq === 0 ? null : started);
  const streams = new Streams({ env, bus, store, logger, startAfter });
  redisBus?.onStoredThrough((through) => streams.markStored(through));
  // What retention deleted, whichever instance (or `npm run aggregate`) ran it.
  if (redisBus?.forgottenBefore) streams.forgetBefore(redisBus.forgottenBefore);
  redisBus?.onForgotten((before) => streams.forgetBefore(before));

  const serverMetrics = new ServerMetrics({ sourceLabels: env.METRICS_SOURCE_LABELS });
  // Channels, silences and the delivery outbox: started before the monitors, whose transitions it
  // receives, and stopped after them (steps of a phase run in the order they were registered).
  const notifications = await startNotifications({
    env,
    database,
    logger,
    onOutcome: (outcome, channel) =>
      serverMetrics.notification(channel.type, outcome === "retry" ? "retried" : outcome),
  });
  const monitors = new MonitorService({
    database,
    monitorStore: new MonitorStore(database),
    incidentStore: new IncidentStore(database),
    bus,
    // One evaluator among instances: a Redis lease when shared, else the database's lock.
    lock: redisBus
      ? new RedisLeaseLock(
          redisBus.commands,
          `${env.REDIS_STREAM}:monitors:evaluator`,
          redisBus.instanceId,
          Math.max(5_000, 5 * env.MONITOR_TICK_MS),
        )
      : new DatabaseLock(database, "monitor-evaluator"),
    broadcast: redisBus
      ? await RedisMonitorBroadcast.connect(env.REDIS_URL ?? "", env.REDIS_STREAM, redisBus.commands, logger)
      : new LocalMonitorBroadcast(),
    notifier: options.notifier ?? notifications.notifier,
    logger: logger.child({ part: "monitors" }),
    policy: {
      minSeconds: env.SILENCE_MIN_SECONDS,
      factor: env.SILENCE_FACTOR,
      anomalyResolveSeconds: env.ANOMALY_RESOLVE_SECONDS,
    },
    tickMs: env.MONITOR_TICK_MS,
    newId: (() => {
      const ids = new EventIdGenerator();
      return () => ids.next();
    })(),
    sink: () => streams,
  });
  await monitors.start();
  lifecycle.onStop("jobs", () => monitors.stop());
  // Attempts in flight get a moment; the rest are given back to the outbox for the next start.
  lifecycle.onStop("jobs", () =>
    notifications.stop(Math.min(env.SHUTDOWN_TIMEOUT_MS, NOTIFICATION_GRACE_MS)),
  );

  // scrapewatch_monitors{state} and scrapewatch_open_incidents{kind}, counted in memory at each scrape.
  serverMetrics.watchMonitors(() => ({
    states: monitors.countByState(),
    openIncidents: monitors.openCountByKind(),
  }));
  const deadLetter = new DeadLetterFile(env.DEAD_LETTER_PATH, {
    maxBytes: env.DEAD_LETTER_MAX_BYTES,
    logger,
  });
  const writer = new BatchWriter({
    store,
    dialect: database.dialect,
    deadLetter,
    logger,
    flushIntervalMs: env.FLUSH_INTERVAL_MS,
    flushBatchSize: env.FLUSH_BATCH_SIZE,
    // With Redis the buffer hears from the bus once every instance's batches up to a cursor are stored.
    onStoredThrough: (position) => (redisBus ?? streams).markStored(positionFromKey(position)),
    onWritten: (rows, lagMs) => serverMetrics.observeWrite(rows, lagMs),
  });
  if (spilled.length > 0) {
    logger.info("writing events left unwritten by the previous run", { count: spilled.length });
    writer.enqueue(spilled);
    // The file goes only once its events are stored: a crash before that finds them again
    // (a second write of a stored event is skipped by its id).
    const newestSpilled =
      spilled
        .map((event) => event.position)
        .sort()
        .at(-1) ?? "";
    writer
      .whenStored(newestSpilled)
      .then(() => spill.clear())
      .catch((error: unknown) => logger.warn("could not remove the spill file", { err: error }));
  }
  writer.start();

  const activeSources = new ActiveSources({ maxSources: env.MAX_SOURCES, idleMs: env.SOURCE_IDLE_MS });
  const pipeline = new IngestPipeline({
    bus,
    writer,
    logger,
    batchIntervalMs: env.BATCH_INTERVAL_MS,
    maxBatchSize: env.MAX_BATCH_SIZE,
    maxPending: env.MAX_PENDING,
    maxPendingBytes: env.MAX_PENDING_BYTES,
    retentionDays: env.RETENTION_DAYS,
    sources: activeSources,
  });

  const startedAt = Date.now();
  const services: Services = {
    env,
    logger,
    database,
    store,
    bus,
    writer,
    pipeline,
    streams,
    monitors,
    notifications,
    tokens: accessTokens(env),
    origins: new OriginPolicy(env.ALLOWED_ORIGINS),
    addresses: new ClientAddresses(env.TRUST_PROXY),
    // Shared through Redis when there is one, so a limit holds whichever instance is hit.
    ingestLimiter: redisBus
      ? new RedisRateLimiter({
          redis: redisBus.commands,
          prefix: env.REDIS_STREAM,
          ratePerSecond: env.INGEST_RATE_LIMIT,
          burst: env.INGEST_RATE_BURST,
          logger,
        })
      : new IngestRateLimiter({ ratePerSecond: env.INGEST_RATE_LIMIT, burst: env.INGEST_RATE_BURST }),
    // Shared through Redis when there is one, so a retry may land on any instance.
    idempotency: redisBus
      ? new RedisIdempotencyStore({
          redis: redisBus.commands,
          prefix: env.REDIS_STREAM,
          fallback: new IdempotencyCache(),
          logger,
        })
      : new IdempotencyCache(),
    startedAt,
    lifecycle,
    activeSources,
    history: startHistoryJobs({
      env,
      logger,
      database,
      pipeline,
      bus,
      writer,
      metrics: serverMetrics,
      lifecycle,
      startedAt,
      // Anomalies go to the streams and open (or prolong) the source's `anomaly` incident; every
      // instance detects every anomaly (on the bus), so each one's evaluator hears of all of them.
      anomalySink: () => ({
        publishAnomaly: (anomaly) => {
          streams.publishAnomaly(anomaly);
          monitors.observeAnomaly(anomaly);
        },
      }),
      activeSources,
      // Older cursors get `reset` from now on, here and (through Redis) on every instance.
      onRawDeleted: (before) => {
        streams.forgetBefore(before);
        redisBus
          ?.announceForgotten(before)
          .catch((error: unknown) =>
            logger.warn("could not tell the other instances about retention", { err: error }),
          );
      },
      streamStats: () => streams.stats,
    }),
  };
  return { services, lifecycle, spill };
}

async function openWithRetry(url: string, logger: Logger) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDatabase(url);
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
      logger.warn("database not reachable at start-up, retrying", { attempt, err: error });
      await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS));
    }
  }
}
