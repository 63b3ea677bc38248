// Benchmark of the history side: time to summarize a day of 1,000,000 raw rows, and ingest
// latency (HTTP accept and write lag) while the nightly job deletes a week of rows past retention.
// Run: npx tsx --conditions=source bench/aggregation/aggregation-bench.ts [--quick] [--dialect sqlite|mysql|both]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  addDays,
  DailySummaryStore,
  type Dialect,
  MetricStore,
  openDatabase,
  utcDate,
} from "@scrapewatch/db";
import { createTestDatabaseUrl, seededRandom } from "@scrapewatch/db/testing";
import { type Metric, positionKey } from "@scrapewatch/protocol";
import { parseEnv } from "../../apps/server/src/env.ts";
import { runNightlyJob } from "../../apps/server/src/jobs/nightly-job.ts";
import { createLogger } from "../../apps/server/src/logger.ts";
import { startServer } from "../../apps/server/src/server.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    dialect: { type: "string", default: "both" },
    "day-rows": { type: "string" },
    "week-rows": { type: "string" },
  },
});
const DAY_ROWS = Number(values["day-rows"] ?? (values.quick ? 20_000 : 1_000_000));
/** 0 skips the retention phase. */
const WEEK_ROWS = Number(values["week-rows"] ?? (values.quick ? 20_000 : 1_000_000));
const SOURCES = 20;
const INSERT_CHUNK = 10_000;
const silent = createLogger("silent");

let idCounter = 0;
function nextId(): string {
  idCounter += 1;
  return `B${idCounter.toString(36).toUpperCase().padStart(25, "0")}`;
}

/** Events spread over one UTC day: 50 % navigations, 40 % scrapes, 10 % scheduler runs. */
function* rowsOfDay(date: string, count: number, seqBase: number) {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  const next = seededRandom(12345);
  for (let i = 0; i < count; i++) {
    const ms = start + Math.floor((i / count) * 86_400_000);
    const kind = i % 10;
    const source = kind === 9 ? `job-${i % 5}` : `scraper-${i % SOURCES}`;
    const base = {
      id: nextId(),
      source,
      timestamp: new Date(ms).toISOString(),
      success: next() < 0.93,
      error: null,
    };
    const metric: Metric =
      kind < 5
        ? {
            ...base,
            type: "navigation",
            url: "https://bench.test/page",
            durationMs: Math.floor(200 + next() * 3000),
            retryCount: Math.floor(next() * 3),
          }
        : kind < 9
          ? {
              ...base,
              type: "scrape",
              url: "https://bench.test/list",
              durationMs: Math.floor(500 + next() * 8000),
              itemsExtracted: Math.floor(next() * 60),
              dataSize: 4096,
            }
          : {
              ...base,
              type: "scheduler",
              durationMs: Math.floor(10_000 + next() * 100_000),
              itemsProcessed: Math.floor(next() * 500),
            };
    yield { metric, position: positionKey({ ms, seq: seqBase + Math.floor(i / 100), index: i % 100 }) };
  }
}

async function insertAll(
  store: MetricStore,
  rows: Iterable<{ metric: Metric; position: string }>,
): Promise<number> {
  const started = performance.now();
  let chunk: { metric: Metric; position: string }[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === INSERT_CHUNK) {
      await store.insert(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await store.insert(chunk);
  return performance.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function benchDialect(dialect: Dialect) {
  const created = await createTestDatabaseUrl(dialect);
  const dir = mkdtempSync(join(tmpdir(), "sw-bench-agg-"));
  const today = utcDate(new Date());
  const summaryDay = addDays(today, -1);
  try {
    const database = await openDatabase(created.url);
    const store = new MetricStore(database);
    console.error(`[${dialect}] inserting ${DAY_ROWS} rows for ${summaryDay}...`);
    const insertMs = await insertAll(store, rowsOfDay(summaryDay, DAY_ROWS, 1));
    const summaries = new DailySummaryStore(database);
    const t0 = performance.now();
    const result = await summaries.summarizeDay(summaryDay);
    const summarizeMs = performance.now() - t0;
    const t1 = performance.now();
    await summaries.summarizeDay(summaryDay);
    const resummarizeMs = performance.now() - t1;
    if (WEEK_ROWS === 0) {
      await database.close();
      return {
        dialect,
        rows: DAY_ROWS,
        insertMs,
        summarizeMs,
        resummarizeMs,
        sources: result.scraperSources + result.schedulerSources,
      };
    }

    // A week of rows past retention (RETENTION_DAYS=7): days today-14 .. today-8, summarized
    // beforehand so that the job under load is the chunked deletion.
    console.error(`[${dialect}] inserting ${WEEK_ROWS} rows over a week past retention...`);
    for (let d = 0; d < 7; d++) {
      const day = addDays(today, -14 + d);
      await insertAll(store, rowsOfDay(day, Math.floor(WEEK_ROWS / 7), 10_000_000 + d * 100_000));
      await summaries.summarizeDay(day);
    }
    await database.close();

    const env = parseEnv({
      PORT: "0",
      DATABASE_URL: created.url,
      LOG_LEVEL: "silent",
      DEAD_LETTER_PATH: join(dir, "dl.ndjson"),
      SPILL_PATH: join(dir, "spill.ndjson"),
      BATCH_INTERVAL_MS: "100",
      FLUSH_INTERVAL_MS: "200",
    });
    const server = await startServer(env, silent);
    const lags: number[] = [];
    const metrics = server.services.history.metrics;
    const observe = metrics.observeWrite.bind(metrics);
    metrics.observeWrite = (rows, lagMs) => {
      lags.push(lagMs);
      observe(rows, lagMs);
    };
    const load = async (untilDone: () => boolean) => {
      const latencies: number[] = [];
      // 50 requests/s of 100 events: 5,000 events/s.
      while (!untilDone()) {
        const tick = performance.now();
        const body = JSON.stringify({
          metrics: Array.from({ length: 100 }, (_, i) => ({
            type: "navigation",
            source: `live-${i % 10}`,
            url: "https://bench.test/",
            durationMs: 300 + i,
            success: true,
          })),
        });
        const started = performance.now();
        const response = await fetch(`${server.url}/api/v1/metrics`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20 - (performance.now() - tick))));
      }
      return latencies;
    };
    const baselineEnd = performance.now() + 5_000;
    const baseline = await load(() => performance.now() > baselineEnd);
    const baselineLags = lags.splice(0);
    let done = false;
    const t2 = performance.now();
    const job = runNightlyJob({
      database: server.services.database,
      logger: silent,
      retentionDays: 7,
    }).finally(() => {
      done = true;
    });
    const during = await load(() => done);
    const report = await job;
    const jobMs = performance.now() - t2;
    const duringLags = lags.splice(0);
    await server.shutdown();
    return {
      dialect,
      rows: DAY_ROWS,
      insertMs,
      summarizeMs,
      resummarizeMs,
      sources: result.scraperSources + result.schedulerSources,
      deleted: report.deleted,
      jobMs,
      ingest: {
        baseline: { requests: baseline.length, p50: percentile(baseline, 50), p99: percentile(baseline, 99) },
        duringDelete: { requests: during.length, p50: percentile(during, 50), p99: percentile(during, 99) },
      },
      writeLag: {
        baseline: { p50: percentile(baselineLags, 50), p99: percentile(baselineLags, 99) },
        duringDelete: { p50: percentile(duringLags, 50), p99: percentile(duringLags, 99) },
      },
    };
  } finally {
    await created.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const dialects: Dialect[] = values.dialect === "both" ? ["sqlite", "mysql"] : [values.dialect as Dialect];
const results = [];
for (const dialect of dialects) results.push(await benchDialect(dialect));
const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");
for (const r of results) {
  if (!("deleted" in r)) {
    console.log(
      `${r.dialect}: summarize ${r.rows} rows (${r.sources} sources) in ${fixed(r.summarizeMs)} ms (again: ${fixed(r.resummarizeMs)} ms)`,
    );
    continue;
  }
  console.log(
    `${r.dialect}: summarize ${r.rows} rows (${r.sources} sources) in ${fixed(r.summarizeMs)} ms (again: ${fixed(r.resummarizeMs)} ms; insert took ${fixed(r.insertMs)} ms); ` +
      `nightly job deleted ${r.deleted} rows in ${fixed(r.jobMs)} ms; ingest p50/p99 ${fixed(r.ingest.baseline.p50)}/${fixed(r.ingest.baseline.p99)} ms before, ` +
      `${fixed(r.ingest.duringDelete.p50)}/${fixed(r.ingest.duringDelete.p99)} ms during (${r.ingest.duringDelete.requests} requests); ` +
      `write lag p50/p99 ${fixed(r.writeLag.baseline.p50)}/${fixed(r.writeLag.baseline.p99)} ms before, ${fixed(r.writeLag.duringDelete.p50)}/${fixed(r.writeLag.duringDelete.p99)} ms during`,
  );
}
console.log(JSON.stringify(results, null, 2));
process.exit(0);
