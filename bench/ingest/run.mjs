// Ingest benchmark: events/s over HTTP into MariaDB and into SQLite (accepted and stored), next
// to the ceiling — raw multi-row mysql2 INSERTs of the same rows into the same table — measured
// in the same run. Usage: node bench/ingest/run.mjs [--quick] [--events=N] [--rounds=R]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { createPool } from "mysql2/promise";
import { startServer } from "../lib/server-process.mjs";
import { machine, median, parseArgs } from "../lib/stats.mjs";

const args = parseArgs();
const EVENTS = Number(args.events ?? (args.quick ? 20_000 : 300_000));
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3));
// As many as fit the 1 MiB body limit (SPEC 5) with the health fields: ~940 KB.
const PER_REQUEST = 4_000;
const CONCURRENCY = 4;

// Navigations as a scraper reports them since SPEC 15: with status code, proxy and bytes, and
// one in 13 blocked (a 403 with its reason), so the stored rows are as wide as real ones.
function navigation(source, i) {
  const blocked = i % 13 === 0;
  const failed = blocked || i % 17 === 0;
  return {
    type: "navigation",
    source,
    url: `https://example.test/quote/${i % 500}`,
    durationMs: 100 + (i % 900),
    retryCount: i % 3,
    success: !failed,
    error: blocked ? "HTTP 403" : failed ? "Timeout" : null,
    statusCode: blocked ? 403 : 200,
    blocked,
    blockReason: blocked ? "http_403" : null,
    proxy: `10.0.${i % 4}.1:8080`,
    bytes: 20_000 + (i % 5_000),
  };
}

/** The ceiling: the same rows, 1,000 per INSERT, one statement in flight (as the server's writer). */
async function rawMysql(url, events) {
  const pool = createPool({ uri: url, timezone: "Z", connectionLimit: 1 });
  const source = `raw-${randomBytes(3).toString("hex")}`;
  const started = performance.now();
  for (let offset = 0; offset < events; offset += 1_000) {
    const rows = [];
    for (let i = offset; i < Math.min(events, offset + 1_000); i++) {
      const e = navigation(source, i);
      const id = `R${randomBytes(12).toString("hex")}`.slice(0, 26);
      rows.push([
        id,
        `${String(Date.now()).padStart(15, "0")}-${String(offset).padStart(10, "0")}-${String(i - offset).padStart(5, "0")}`,
        source,
        e.type,
        e.url,
        e.durationMs,
        e.retryCount,
        0,
        0,
        e.success ? 1 : 0,
        e.error,
        new Date(),
        e.statusCode,
        e.blocked ? 1 : 0,
        e.blockReason,
        e.proxy,
        e.bytes,
      ]);
    }
    await pool.query(
      "INSERT INTO scraper_page_performance (id, position, source, type, url, duration_ms, retry_count, items_extracted, data_size, success, error, timestamp, status_code, blocked, block_reason, proxy, bytes) VALUES ? ON DUPLICATE KEY UPDATE id = id",
      [rows],
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return events / seconds;
}

/** Posts `events` over HTTP with CONCURRENCY requests in flight, then waits until all are stored. */
async function overHttp(server, events, countStored) {
  const source = `http-${randomBytes(3).toString("hex")}`;
  const body = JSON.stringify({
    metrics: Array.from({ length: PER_REQUEST }, (_, i) => navigation(source, i)),
  });
  let sent = 0;
  let rejected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < events) {
        sent += PER_REQUEST;
        for (;;) {
          const response = await fetch(`${server.url}/api/v1/metrics`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          await response.arrayBuffer();
          if (response.status === 202) break;
          if (response.status !== 429) throw new Error(`ingest answered ${response.status}`);
          rejected += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }),
  );
  const acceptedSeconds = (performance.now() - started) / 1000;
  const total = Math.ceil(events / PER_REQUEST) * PER_REQUEST;
  for (;;) {
    if ((await countStored(source)) >= total) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const storedSeconds = (performance.now() - started) / 1000;
  return { accepted: total / acceptedSeconds, stored: total / storedSeconds, rejected };
}

async function main() {
  const results = {
    machine: machine(),
    date: new Date().toISOString(),
    events: EVENTS,
    rounds: ROUNDS,
    runs: [],
  };
  const db = await createTestDatabaseUrl("mysql", { prefix: "sw_bench" });
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  const env = { FLUSH_INTERVAL_MS: "200", DEAD_LETTER_PATH: join(dir, "dl"), SPILL_PATH: join(dir, "spill") };
  const servers = [];
  try {
    const mysqlServer = await startServer({ ...env, DATABASE_URL: db.url });
    servers.push(mysqlServer);
    const sqliteServer = await startServer({ ...env, DATABASE_URL: `file:${join(dir, "bench.db")}` });
    servers.push(sqliteServer);
    const pool = createPool({ uri: db.url, connectionLimit: 1 });
    const countMysql = async (source) =>
      (
        await pool.query("SELECT COUNT(*) AS n FROM scraper_page_performance WHERE source = ?", [source])
      )[0][0].n;
    const { default: Database } = await import("libsql");
    const sqlite = new Database(join(dir, "bench.db"));
    const countSqlite = async (source) =>
      Number(
        sqlite.prepare("SELECT COUNT(*) AS n FROM scraper_page_performance WHERE source = ?").all([source])[0]
          .n,
      );
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await rawMysql(db.url, EVENTS);
      const mysql = await overHttp(mysqlServer, EVENTS, countMysql);
      const sqliteRun = await overHttp(sqliteServer, EVENTS, countSqlite);
      results.runs.push({ raw, mysql, sqlite: sqliteRun });
      console.error(
        `round ${round + 1}: raw ${raw.toFixed(0)}/s, mysql stored ${mysql.stored.toFixed(0)}/s, sqlite stored ${sqliteRun.stored.toFixed(0)}/s`,
      );
    }
    await pool.end();
    sqlite.close();
  } finally {
    // Also when a round fails: a server left running would outlive the benchmark.
    await Promise.all(servers.map((server) => server.stop()));
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (pick) => median(results.runs.map(pick));
  results.median = {
    rawMysql: m((r) => r.raw),
    httpMysqlAccepted: m((r) => r.mysql.accepted),
    httpMysqlStored: m((r) => r.mysql.stored),
    httpSqliteAccepted: m((r) => r.sqlite.accepted),
    httpSqliteStored: m((r) => r.sqlite.stored),
  };
  results.median.ratioToRaw = results.median.httpMysqlStored / results.median.rawMysql;
  const f = (n) => Math.round(n).toLocaleString("en-US");
  console.log(`\n## Ingest (${EVENTS.toLocaleString("en-US")} events × ${ROUNDS} rounds, medians)\n`);
  console.log("| path | events/s |\n|---|---|");
  console.log(`| raw mysql2 multi-row INSERT (ceiling) | ${f(results.median.rawMysql)} |`);
  console.log(
    `| HTTP → MariaDB, stored | ${f(results.median.httpMysqlStored)} (${(results.median.ratioToRaw * 100).toFixed(0)} % of raw) |`,
  );
  console.log(`| HTTP → MariaDB, accepted (202) | ${f(results.median.httpMysqlAccepted)} |`);
  console.log(`| HTTP → SQLite, stored | ${f(results.median.httpSqliteStored)} |`);
  console.log(`| HTTP → SQLite, accepted (202) | ${f(results.median.httpSqliteAccepted)} |`);
  return results;
}

const results = await main();
if (args.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(args.json, JSON.stringify(results, null, 2));
}
