// A real server on port 0 with its own fresh database, for tests. Every value the server reads
// from the environment can be overridden; defaults keep tests quick and quiet.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Dialect, MetricStore, openDatabase } from "@scrapewatch/db";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { expect } from "vitest";
import { parseEnv } from "../src/env.ts";
import { createLogger, type Logger, type LogLevel } from "../src/logger.ts";
import { type RunningServer, startServer } from "../src/server.ts";

export interface TestServer extends RunningServer {
  databaseUrl: string;
  dir: string;
  /** Shuts down (if still running) and removes the database. */
  stop(): Promise<void>;
  /** POST /api/v1/metrics with a JSON body. */
  ingest(body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export interface TestServerOptions {
  dialect?: Dialect;
  /** Reuse an existing database (e.g. to restart on the same data). */
  databaseUrl?: string;
  /** Reuse a directory for dead-letter and spill files. */
  dir?: string;
  env?: Record<string, string>;
  /** A logger of the test's own (e.g. to capture log lines). */
  logger?: Logger;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const created = options.databaseUrl ? null : await createTestDatabaseUrl(options.dialect ?? "sqlite");
  const databaseUrl = options.databaseUrl ?? created?.url ?? "";
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "scrapewatch-server-"));
  const env = parseEnv({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "silent",
    DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
    SPILL_PATH: join(dir, "unwritten.ndjson"),
    FLUSH_INTERVAL_MS: "50",
    BATCH_INTERVAL_MS: "20",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...options.env,
  });
  const logLevel = (process.env.TEST_LOG_LEVEL ?? "silent") as LogLevel;
  const running = await startServer(env, options.logger ?? createLogger(logLevel));
  let stopped = false;
  return {
    ...running,
    databaseUrl,
    dir,
    async shutdown() {
      stopped = true;
      await running.shutdown();
    },
    async stop() {
      if (!stopped) {
        stopped = true;
        await running.shutdown();
      }
      await created?.drop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
    ingest(body: unknown, headers: Record<string, string> = {}) {
      return fetch(`${running.url}/api/v1/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    },
  };
}

/** Rows stored for the sources, read through a connection of its own (the server may be gone). */
export async function countStored(databaseUrl: string, sources: string[]): Promise<number> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  try {
    return await new MetricStore(database).count(sources);
  } finally {
    await database.close();
  }
}

/** Waits until the predicate holds, polling the real thing (for effects with no event to await). */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Posts events (expecting 202) and answers the ids the server gave them. */
export async function ingest(server: TestServer, events: unknown[]): Promise<string[]> {
  const response = await server.ingest({ metrics: events });
  expect(response.status).toBe(202);
  return ((await response.json()) as { ids: string[] }).ids;
}

/** The event ids of received batches, in order. */
export const idsOf = (batches: { metrics: { id: string }[] }[]) =>
  batches.flatMap((b) => b.metrics.map((m) => m.id));
