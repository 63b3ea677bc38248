// Builds the services from the environment and serves them: the one place that wires storage,
// the ingest pipeline and the HTTP server together. main.ts and tests both start servers here.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { MetricStore, openDatabase } from "@scrapewatch/db";
import { CursorClock, LocalBatchBus } from "@scrapewatch/hub";
import { positionFromKey } from "@scrapewatch/protocol";
import { createApp } from "./app.ts";
import { startDemo } from "./demo/demo.ts";
import type { Env } from "./env.ts";
import { startHistory } from "./history.ts";
import { OriginPolicy } from "./http/origins.ts";
import { IngestRateLimiter } from "./http/rate-limit.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import { ServerMetrics } from "./observability/server-metrics.ts";
import { BatchWriter } from "./pipeline/batch-writer.ts";
import { DeadLetterFile } from "./pipeline/dead-letter.ts";
import { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import { SpillFile } from "./pipeline/spill-file.ts";
import { IdempotencyCache } from "./routes/metrics/idempotency.ts";
import { RedisIdempotencyStore } from "./routes/metrics/idempotency-redis.ts";
import { RedisBatchBus } from "./scaleout/redis-batch-bus.ts";
import { accessTokens, type Services } from "./services.ts";
import { startSseHeartbeat } from "./stream/sse.ts";
import { Streams } from "./stream/streams.ts";
import { createWebSocketServer, startWsHeartbeat } from "./stream/ws.ts";

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  lifecycle: Lifecycle;
  /** Stops accepting, sends what is batched, writes what is queued, closes everything. */
  shutdown(): Promise<void>;
}

const START_RETRY_MS = 1_000;
const START_ATTEMPTS = 30;
const WS_CLOSE_GRACE_MS = 1_000;

export async function startServer(env: Env, logger: Logger): Promise<RunningServer> {
  const database = await openWithRetry(env.DATABASE_URL, logger);
  const store = new MetricStore(database);
  const lifecycle = new Lifecycle();

  // Cursors continue after the newest stored one, so resume works across restarts.
  const clock = new CursorClock();
  const newest = await store.newestPosition();
  if (newest) clock.observe(positionFromKey(newest));
  const spill = new SpillFile(env.SPILL_PATH);
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

  const serverMetrics = new ServerMetrics();
  const deadLetter = new DeadLetterFile(env.DEAD_LETTER_PATH);
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
    await spill.clear();
  }
  writer.start();

  const pipeline = new IngestPipeline({
    bus,
    writer,
    logger,
    batchIntervalMs: env.BATCH_INTERVAL_MS,
    maxBatchSize: env.MAX_BATCH_SIZE,
    maxPending: env.MAX_PENDING,
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
    tokens: accessTokens(env),
    origins: new OriginPolicy(env.ALLOWED_ORIGINS),
    ingestLimiter: new IngestRateLimiter({
      ratePerSecond: env.INGEST_RATE_LIMIT,
      burst: env.INGEST_RATE_BURST,
    }),
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
    // Summaries, nightly job, anomalies and /metrics figures; the streams attach later.
    history: startHistory({
      env,
      logger,
      database,
      pipeline,
      bus,
      writer,
      metrics: serverMetrics,
      lifecycle,
      startedAt,
      anomalySink: () => streams,
      // Older cursors get `reset` from now on, here and (through Redis) on every instance.
      onRawDeleted: (before) => {
        streams.forgetBefore(before);
        redisBus
          ?.announceForgotten(before)
          .catch((error: unknown) =>
            logger.warn("could not tell the other instances about retention", { err: error }),
          );
      },
      streamStats: () => ({ ...streams.stats, subscriptions: streams.fanout.subscriptionsBySource() }),
    }),
  };
  const app = createApp(services);
  // The demo scrapers run when asked to, or ("auto", as `npm start` sets it) on an empty database.
  const runDemo = env.DEMO === true || (env.DEMO === "auto" && (await store.isEmpty()));

  const wss = createWebSocketServer();
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST, websocket: { server: wss } });
  const stopHeartbeats = [
    startSseHeartbeat(streams, env.SSE_HEARTBEAT_MS),
    startWsHeartbeat(streams, env.HEARTBEAT_INTERVAL_MS),
  ];
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;

  const baseUrl = `http://${host}:${port}`;
  const demo = runDemo ? startDemo({ baseUrl, token: env.INGEST_TOKENS[0], logger }) : null;
  if (demo) logger.info("demo scrapers running (DEMO=0 turns them off)");

  lifecycle.onStop("ingest", async () => {
    await demo?.stop();
  });
  lifecycle.onStop("ingest", () => {
    server.close();
  });
  lifecycle.onStop("ingest", () => pipeline.close());
  // After "ingest" sealed and published everything: what is due is written, then clients close.
  lifecycle.onStop("streams", async () => {
    for (const stop of stopHeartbeats) stop();
    await streams.close();
    await closeWebSockets(wss);
  });
  lifecycle.onStop("storage", async () => {
    const left = await writer.drain(Date.now() + env.SHUTDOWN_TIMEOUT_MS);
    if (left.length > 0) {
      await spill.save(left);
      logger.warn("database unavailable at shutdown; unwritten events kept for the next start", {
        count: left.length,
        path: env.SPILL_PATH,
      });
    }
  });
  lifecycle.onStop("final", async () => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    await bus.close();
    await database.close();
  });

  return {
    url: baseUrl,
    port,
    services,
    lifecycle,
    shutdown: () =>
      lifecycle.stop((phase, error) => logger.error("shutdown step failed", { phase, err: error })),
  };
}

/** Waits briefly for WebSocket close handshakes, then cuts whoever has not answered. */
async function closeWebSockets(wss: ReturnType<typeof createWebSocketServer>): Promise<void> {
  const deadline = Date.now() + WS_CLOSE_GRACE_MS;
  while (wss.clients.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const socket of wss.clients) socket.terminate();
  wss.close();
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
