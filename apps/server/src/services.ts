// The services a running server is made of. main.ts builds them from the environment; tests
// build them with their own database and values. Routes receive them through createApp.
import type { Database, MetricStore } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type { Env } from "./env.ts";
import type { HistoryServices } from "./history.ts";
import { TokenSet } from "./http/auth.ts";
import type { OriginPolicy } from "./http/origins.ts";
import type { IngestRateLimiter } from "./http/rate-limit.ts";
import type { Logger } from "./logger.ts";
import type { BatchWriter } from "./pipeline/batch-writer.ts";
import type { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import type { IdempotencyStore } from "./routes/metrics/idempotency.ts";
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
  tokens: AccessTokens;
  /** ALLOWED_ORIGINS: CORS and the Origin check of SSE and WebSocket. */
  origins: OriginPolicy;
  /** INGEST_RATE_LIMIT per ingest token or client address. */
  ingestLimiter: IngestRateLimiter;
  /** Answers of recent ingest requests by Idempotency-Key (10 minutes): in Redis when shared. */
  idempotency: IdempotencyStore;
  startedAt: number;
  /** Summaries, anomalies, nightly job and /metrics figures (history.ts). */
  history: HistoryServices;
}

export function accessTokens(env: Env): AccessTokens {
  return {
    ingest: new TokenSet(env.INGEST_TOKENS),
    read: new TokenSet(env.READ_TOKENS),
    admin: new TokenSet(env.ADMIN_TOKENS),
  };
}
