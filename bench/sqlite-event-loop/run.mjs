#!/usr/bin/env node
// How long the embedded SQLite stalls the event loop: the same work — ingest inserts (batches of
// 1,000 rows, one after another) and a retention delete (chunks of 1,000 rows, 10 ms apart) —
// through the SqliteDatabase of packages/db (its connection in a worker thread; RawRetention)
// and, as the peer in the same run, through libsql on the main thread as packages/db did before
// (the ids of a chunk listed, then deleted). A 1 ms timer chain measures the gaps: how long the main thread could
// not run anything else. Targets alternate round by round; figures are medians over rounds.
// Needs the build (packages/db/dist).
//
//   node bench/sqlite-event-loop/run.mjs [--quick] [--rows=N] [--rounds=K]
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machine, median, parseArgs, percentile } from "../lib/stats.mjs";

const args = parseArgs();
const ROWS = Number(args.rows ?? (args.quick ? 20_000 : 100_000));
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3));
const BATCH = 1_000;
const db = await import("../../packages/db/dist/index.js");
// libsql as packages/db resolves it (the driver inside @libsql/client before, and now in the worker).
const Database = createRequire(new URL("../../packages/db/package.json", import.meta.url))("libsql");

const COLUMNS = db.SCRAPER_COLUMN_LIST;
const OLD = Date.now() - 40 * 86_400_000;

function rows(from, count) {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return [
      `E${String(n).padStart(25, "0")}`,
      String(n).padStart(12, "0"),
      `src-${n % 20}`,
      "navigation",
      `https://example.test/${n % 500}`,
      100 + (n % 900),
      n % 3,
      0,
      0,
      n % 17 ? 1 : 0,
      n % 17 ? null : "Timeout",
      OLD + n,
      n % 17 ? 200 : 503,
      0,
      null,
      null,
      null,
    ];
  });
}

/** Runs work while a 1 ms timer chain records the gaps between its ticks. */
async function stalls(work) {
  const gaps = [];
  let last = performance.now();
  let timer;
  const tick = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearTimeout(timer);
  gaps.push(performance.now() - last);
  gaps.sort((a, b) => a - b);
  return { ms, p99: percentile(gaps, 99), max: gaps[gaps.length - 1] };
}

/** The same statements, through SqliteDatabase (worker thread) or libsql on this thread. */
async function open(target, file) {
  const database = await db.openDatabase(`file:${file}`); // creates the schema either way
  if (target === "worker") {
    return {
      insert: (batch) => database.insertIgnore("scraper_page_performance", COLUMNS, batch),
      deleteOld: () => new db.RawRetention(database).deleteBefore(new Date(Date.now() - 86_400_000)),
      close: () => database.close(),
    };
  }
  await database.close();
  const sqlite = new Database(file);
  for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000"])
    sqlite.exec(`PRAGMA ${pragma}`);
  const tuple = `(${COLUMNS.map(() => "?").join(", ")})`;
  return {
    // As @libsql/client did: an async function whose statement runs synchronously.
    insert: async (batch) => {
      sqlite
        .prepare(
          `INSERT INTO scraper_page_performance (${COLUMNS.join(", ")}) VALUES ${batch.map(() => tuple).join(", ")} ON CONFLICT DO NOTHING`,
        )
        .run(batch.flat());
    },
    deleteOld: async () => {
      const cutoff = Date.now() - 86_400_000;
      for (;;) {
        const ids = sqlite
          .prepare("SELECT id FROM scraper_page_performance WHERE timestamp < ? LIMIT ?")
          .all([cutoff, BATCH])
          .map((r) => r.id);
        if (ids.length === 0) break;
        sqlite
          .prepare(`DELETE FROM scraper_page_performance WHERE id IN (${ids.map(() => "?").join(", ")})`)
          .run(ids);
        if (ids.length < BATCH) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: async () => sqlite.close(),
  };
}

async function round(target) {
  const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-loop-"));
  try {
    const store = await open(target, join(dir, "bench.db"));
    const ingest = await stalls(async () => {
      for (let from = 0; from < ROWS; from += BATCH) {
        await store.insert(rows(from, BATCH));
        // Other work gets a turn between batches, as in the server (else a synchronous driver's
        // resolved promises would chain every batch into one stall).
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const retention = await stalls(() => store.deleteOld());
    await store.close();
    return { ingest, retention };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TARGETS = ["worker", "main thread"];
const results = Object.fromEntries(TARGETS.map((t) => [t, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const target of r % 2 === 0 ? TARGETS : [...TARGETS].reverse()) {
    const result = await round(target);
    results[target].push(result);
    const f = (s) => `${s.ms.toFixed(0)} ms, stall p99 ${s.p99.toFixed(1)} / max ${s.max.toFixed(1)} ms`;
    console.error(`round ${r + 1}, ${target}: ingest ${f(result.ingest)}; retention ${f(result.retention)}`);
  }
}

const fmt = (v) => v.toFixed(1);
console.log(
  `## SQLite and the event loop (${ROWS.toLocaleString("en")} rows, batches of ${BATCH}, ${ROUNDS} round(s), medians)`,
);
console.log(
  `machine: ${machine()}, load average ${(await import("node:os"))
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
console.log(
  "| SQLite connection | ingest events/s | ingest stall p99 / max ms | retention rows/s | retention stall p99 / max ms |",
);
console.log("|---|---|---|---|---|");
for (const target of TARGETS) {
  const runs = results[target];
  const m = (pick) => median(runs.map(pick));
  console.log(
    `| ${target === "worker" ? "worker thread (SqliteDatabase)" : "main thread (libsql, as before)"} | ${Math.round(ROWS / (m((r) => r.ingest.ms) / 1000)).toLocaleString("en")} | ${fmt(m((r) => r.ingest.p99))} / ${fmt(m((r) => r.ingest.max))} | ${Math.round(ROWS / (m((r) => r.retention.ms) / 1000)).toLocaleString("en")} | ${fmt(m((r) => r.retention.p99))} / ${fmt(m((r) => r.retention.max))} |`,
  );
}
