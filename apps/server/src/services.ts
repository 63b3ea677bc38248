// The services a running server is made of. main.ts builds them from the environment; tests
// build them with their own database and values. Routes receive them through createApp.
import type { Database, MetricStore } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type { Env } from "./env.ts";
import type { HistoryServices } from "./history-jobs.ts";
import { TokenSet } from "./http/auth.ts";
import type { ClientAddresses } from "./http/client-address.ts";
import type { OriginPolicy } from "./http/origins.ts";
import type { RateLimiter } from "./http/rate-limit.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import type { MonitorService } from "./monitors/monitor-service.ts";
import type { Notifications } from "./notifications/notifications.ts";
import type { BatchWriter } from "./pipeline/batch-writer.ts";
import type { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import type { IdempotencyStore } from "./routes/metrics/idempotency.ts";
import type { ActiveSources } from "./sources/active-sources.ts";
import type { Streams } from "./stream/streams.ts";

export interface AccessTokens {
  ingest: TokenSet;
  read: TokenSet;
  admin: TokenSet;
}

export interface Services {
  env: Env;
  logger: Logger;
  database: Database;
  store: MetricStore;
  bus: BatchBus;
  writer: BatchWriter;
  pipeline: IngestPipeline;
  /** SSE/WebSocket streaming: fan-out, replay buffer, connections and their counters (stats). */
  streams: Streams;
  /** Every source's monitor, the evaluator and incidents (SPEC 14). */
  monitors: MonitorService;
  tokens: AccessTokens;
  /** ALLOWED_ORIGINS: CORS and the Origin check of SSE and WebSocket. */
  origins: OriginPolicy;
  /** The client address of a request (TRUST_PROXY decides whose X-Forwarded-For counts). */
  addresses: ClientAddresses;
  /** INGEST_RATE_LIMIT per ingest token or client address. */
  ingestLimiter: RateLimiter;
  /** Answers of recent ingest requests by Idempotency-Key (10 minutes): in Redis when shared. */
  idempotency: IdempotencyStore;
  startedAt: number;
  /** Sources held in memory (MAX_SOURCES, idle eviction); `refused` counts 429 too_many_sources. */
  activeSources: ActiveSources;
  /** Shutdown order; `isStopping` turns /readyz to 503 at once. */
  lifecycle: Lifecycle;
  /** Summaries, anomalies, nightly job and /metrics figures (history-jobs.ts). */
  history: HistoryServices;
  /** Channels, silences, the delivery outbox and the IncidentNotifier (notifications/). */
  notifications: Notifications;
}

export function accessTokens(env: Env): AccessTokens {
  return {
    ingest: new TokenSet(env.INGEST_TOKENS),
    read: new TokenSet(env.READ_TOKENS),
    admin: new TokenSet(env.ADMIN_TOKENS),
  };
}
