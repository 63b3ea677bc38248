// The embedded SQLite runs in a worker thread: the event loop keeps turning while SQLite works,
// errors come back as SQLite's, and a stopped worker fails calls instead of leaving them hanging.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, navigation, stored, uniqueSource } from "../../test/factories.ts";
import { openDatabase } from "../database.ts";
import { SqliteDatabase } from "../dialects/sqlite.ts";
import { isDataError } from "../errors.ts";
import { MetricStore, SCRAPER_COLUMN_LIST } from "../metric-store.ts";
import type { RowValue } from "../storage-dialect.ts";
import { SqliteConnection } from "./sqlite-connection.ts";
import { SqliteError, SqliteWorkerStoppedError } from "./sqlite-error.ts";

/** A statement that keeps SQLite busy for a while (~0.2 s here) and then answers. */
const LONG_QUERY = sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT COUNT(*) AS n FROM c`;

/** Turns of the event loop (setImmediate callbacks) until the promise settles. */
async function turnsWhile(work: Promise<unknown>): Promise<number> {
  let settled = false;
  work.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let turns = 0;
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    turns += 1;
  }
  return turns;
}

function scraperRow(id: string, source: string): RowValue[] {
  return [
    id,
    "p",
    source,
    "navigation",
    "https://a.test/",
    1,
    0,
    0,
    0,
    1,
    null,
    Date.now(),
    200,
    0,
    null,
    null,
    null,
  ];
}

describe("SQLite in a worker thread", () => {
  let dir: string;
  let file: string;
  let database: SqliteDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "scrapewatch-worker-"));
    file = join(dir, "test.db");
    database = new SqliteDatabase(`file:${file}`);
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the event loop turning while a long statement runs", async () => {
    const query = database.all<{ n: number }>(LONG_QUERY);
    const turns = await turnsWhile(query);
    expect(await query).toEqual([{ n: 1_000_000 }]);
    // Run on this thread, the statement would have held the loop: no turn before it answered.
    expect(turns).toBeGreaterThan(10);
  });

  it("keeps the event loop turning while a write waits for a lock another connection holds", async () => {
    // This thread takes the write lock on its own connection; the database's insert waits on
    // busy_timeout in the worker, and only gets it once this thread has turned and committed.
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    const source = uniqueSource("locked");
    let released = false;
    let releasedWhenStored: boolean | undefined;
    const insert = database
      .insertIgnore("scraper_page_performance", SCRAPER_COLUMN_LIST, [scraperRow(eventId(), source)])
      .then(() => {
        releasedWhenStored = released;
      });
    let turns = 0;
    while (turns < 50) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
    released = true;
    other.exec("COMMIT");
    other.close();
    await insert;
    expect(releasedWhenStored).toBe(true);
    const [row] = await database.all<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM scraper_page_performance WHERE source = ${source}`,
    );
    expect(row?.n).toBe(1);
  });

  it("rejects with SQLite's error: a constraint is a data error, a syntax error is not", async () => {
    const id = eventId();
    const source = uniqueSource("dup");
    await database.insertIgnore("scraper_page_performance", SCRAPER_COLUMN_LIST, [scraperRow(id, source)]);
    const duplicate = database.run(
      sql`INSERT INTO scraper_page_performance (id, position, source, type, url, duration_ms, success, timestamp) VALUES (${id}, 'p', ${source}, 'navigation', 'u', 1, 1, 0)`,
    );
    await expect(duplicate).rejects.toBeInstanceOf(SqliteError);
    const constraint = await duplicate.catch((error: unknown) => error);
    expect(constraint).toMatchObject({
      code: "SQLITE_CONSTRAINT_PRIMARYKEY",
      message: expect.stringMatching(/UNIQUE/),
    });
    expect(isDataError(constraint, "sqlite")).toBe(true);

    const syntax = await database.all(sql`SELEC 1`).catch((error: unknown) => error);
    expect(syntax).toMatchObject({ code: "SQLITE_ERROR", message: expect.stringMatching(/syntax error/) });
    expect(isDataError(syntax, "sqlite")).toBe(false);
    // The connection carries on after errors.
    expect(await database.all(sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });

  it("rejects with SQLITE_BUSY when the lock is not released in time", async () => {
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    await database.run(sql`PRAGMA busy_timeout = 0`);
    try {
      const busy = await database
        .insertIgnore("scraper_page_performance", SCRAPER_COLUMN_LIST, [
          scraperRow(eventId(), uniqueSource()),
        ])
        .catch((error: unknown) => error);
      expect(busy).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
      expect(isDataError(busy, "sqlite")).toBe(false);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    // The next write is committed: another connection sees it (libsql leaves a busy statement
    // holding the connection's transaction open; the worker starts a fresh connection).
    const source = uniqueSource("after-busy");
    await database.insertIgnore("scraper_page_performance", SCRAPER_COLUMN_LIST, [
      scraperRow(eventId(), source),
    ]);
    const reader = new Database(file);
    try {
      const [row] = reader
        .prepare("SELECT COUNT(*) AS n FROM scraper_page_performance WHERE source = ?")
        .all([source]) as { n: number }[];
      expect(row?.n).toBe(1);
    } finally {
      reader.close();
    }
    // ...with the usual settings again.
    expect(await database.all(sql`PRAGMA busy_timeout`)).toEqual([{ timeout: 5000 }]);
  });

  it("keeps WAL, synchronous=NORMAL and the busy timeout", async () => {
    expect(await database.all(sql`PRAGMA journal_mode`)).toEqual([{ journal_mode: "wal" }]);
    expect(await database.all(sql`PRAGMA synchronous`)).toEqual([{ synchronous: 1 }]);
    expect(await database.all(sql`PRAGMA busy_timeout`)).toEqual([{ timeout: 5000 }]);
  });

  it("runs drizzle's query builder, and db.batch as one transaction", async () => {
    const { scraperPagePerformance } = database.schema;
    const source = uniqueSource("drizzle");
    const id = eventId();
    await database.db.insert(scraperPagePerformance).values({
      id,
      position: "p",
      source,
      type: "navigation",
      url: "https://a.test/",
      durationMs: 5,
      success: true,
      timestamp: new Date(1_700_000_000_000),
    });
    const rows = await database.db
      .select({ id: scraperPagePerformance.id, success: scraperPagePerformance.success })
      .from(scraperPagePerformance)
      .where(sql`source = ${source}`);
    expect(rows).toEqual([{ id, success: true }]);

    // The second statement fails, so the first is rolled back with it.
    const other = eventId();
    const failing = database.db.batch([
      database.db.run(
        sql`INSERT INTO scraper_page_performance (id, position, source, type, url, duration_ms, success, timestamp) VALUES (${other}, 'p', ${source}, 'navigation', 'u', 1, 1, 0)`,
      ),
      database.db.run(
        sql`INSERT INTO scraper_page_performance (id, position, source, type, url, duration_ms, success, timestamp) VALUES (${id}, 'p', ${source}, 'navigation', 'u', 1, 1, 0)`,
      ),
    ]);
    await expect(failing).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    const [count] = await database.all<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM scraper_page_performance WHERE source = ${source}`,
    );
    expect(count?.n).toBe(1);
    // db.transaction would send BEGIN, the statements and COMMIT as separate messages, letting
    // other calls in between: refused, pointing at db.batch (drizzle wraps the error).
    const refused = await database.db.transaction(async () => {}).catch((error: unknown) => error);
    expect(String((refused as Error).cause)).toMatch(/db\.batch/);
  });
});

describe("a :memory: database", () => {
  it("is one connection, in the worker, that holds its data across calls", async () => {
    for (const url of [":memory:", "file::memory:"]) {
      const database = await openDatabase(url);
      const store = new MetricStore(database);
      const source = uniqueSource("mem");
      const metric = navigation(source);
      await store.insert([stored(metric, 1_000, 1, 0)]);
      expect((await store.read({ sources: [source], limit: 10 })).map((e) => e.metric)).toEqual([metric]);
      await database.close();
    }
  });
});

describe("a stopped worker", () => {
  it("fails the calls in flight and every later call, without hanging", async () => {
    // Terminated while it is still starting, so the call is surely in flight and no native
    // libsql call is running: terminating a thread inside one can abort the whole process (a
    // panic in libsql's bindings), which is why close() never does that.
    const connection = new SqliteConnection({ file: ":memory:", pragmas: [] });
    const inFlight = connection.query("SELECT 1 AS ok", [], "objects");
    await connection.terminate();
    await expect(inFlight).rejects.toBeInstanceOf(SqliteWorkerStoppedError);
    await expect(inFlight).rejects.toThrow(/SQLite worker stopped/);
    await expect(connection.query("SELECT 1", [], "objects")).rejects.toBeInstanceOf(
      SqliteWorkerStoppedError,
    );
    await connection.close();
  });

  it("after close(), lets calls already sent finish and refuses new ones", async () => {
    const database = await openDatabase(":memory:");
    const sent = database.all(sql`SELECT 1 AS ok`);
    const closing = database.close();
    expect(await sent).toEqual([{ ok: 1 }]);
    await closing;
    await expect(database.all(sql`SELECT 1`)).rejects.toThrow(/closed/);
    await database.close();
  });

  it("fails the first call when the file cannot be opened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrapewatch-worker-"));
    try {
      // A directory where the database file should be.
      const connection = new SqliteConnection({ file: dir, pragmas: ["PRAGMA journal_mode = WAL"] });
      await expect(connection.query("SELECT 1", [], "objects")).rejects.toBeInstanceOf(Error);
      await connection.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a process with an open SQLite database", () => {
  const script = fileURLToPath(new URL("../../test/open-and-exit.ts", import.meta.url));
  for (const close of [true, false]) {
    it(`exits by itself once its work is done (${close ? "closed" : "left open"})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "scrapewatch-worker-"));
      try {
        const child = spawn(
          process.execPath,
          ["--conditions=source", "--import", "tsx", script, join(dir, "x.db"), String(close)],
          { stdio: ["ignore", "pipe", "inherit"] },
        );
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        const code = await new Promise((resolve) => child.once("exit", resolve));
        expect(code).toBe(0);
        expect(out.trim()).toBe("stored 1");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
