// The services a running server is made of. main.ts builds them from the environment; tests
// build them with their own database and values. Routes receive them through createApp.
import type { Database, MetricStore } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type { Env } from "./env.ts";
import type { HistoryServices } from "./history.ts";
import { TokenSet } from "./http/auth.ts";
import type { Logger } from "./logger.ts";
import type { BatchWriter } from "./pipeline/batch-writer.ts";
import type { IngestPipeline } from "./pipeline/ingest-pipeline.ts";
import type { IdempotencyCache } from "./routes/metrics/idempotency.ts";
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
  /** Answers of recent ingest requests by Idempotency-Key (10 minutes). */
  idempotency: IdempotencyCache;
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
