// The storage contract on an embedded SQLite file. SQLite's calls are synchronous, so the
// connection lives in a worker thread (sqlite/worker.ts) and every statement is a message to it:
// a slow statement, a WAL checkpoint or the nightly job never stalls the event loop. Statements
// still run one at a time, in call order.
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { drizzle, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import { migrate } from "drizzle-orm/sqlite-proxy/migrator";
import * as schema from "../schema/sqlite.ts";
import type { Shape } from "../sqlite/protocol.ts";
import { SqliteConnection } from "../sqlite/sqlite-connection.ts";
import {
  type DialectLimits,
  identifiers,
  type RowValue,
  type StorageDialect,
  upsertColumns,
} from "../storage-dialect.ts";
import { errorChain } from "./error-chain.ts";
import { tryFileLock } from "./file-lock.ts";

const MIGRATIONS = fileURLToPath(new URL("../../../../drizzle/sqlite", import.meta.url));

// WAL lets readers (REST, replay) run beside the batched writer.
const PRAGMAS = ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 5000"];

// One writer, so one INSERT in flight. Deletes go in smaller chunks than MySQL's because ingest's
// inserts wait behind each one on the single connection. Rows per INSERT stay at or under
// MAX_VARIABLES / the widest insert (17 columns of the event table: 1,927), so the chunks the
// stores cut are never split again below.
const LIMITS: DialectLimits = { rowsPerInsert: 1_900, concurrentWrites: 1, rowsPerDelete: 1_000 };
/** SQLite allows 32,766 bound variables per statement. */
const MAX_VARIABLES = 32_766;

export class SqliteDatabase implements StorageDialect {
  readonly dialect = "sqlite" as const;
  readonly limits = LIMITS;
  /**
   * Drizzle over the worker thread (sqlite-proxy driver), for migrations and the driver's own
   * tests; stores use the contract. `db.batch` runs as one transaction; `db.transaction` is
   * refused, as other calls would interleave.
   */
  readonly db: SqliteRemoteDatabase<typeof schema>;
  readonly schema = schema;
  private readonly connection: SqliteConnection;
  private readonly file: string;
  private readonly sqlDialect = new SQLiteAsyncDialect();

  constructor(readonly url: string) {
    const file = url.startsWith("file:") ? url.slice("file:".length) : url;
    if (file !== ":memory:") {
      mkdirSync(dirname(resolve(file)), { recursive: true });
      // A new database file is private (it holds channel secrets); SQLite gives its -wal and
      // -shm files the same mode. An existing file keeps the mode its owner chose.
      closeSync(openSync(file, "a", 0o600));
    }
    this.file = file;
    this.connection = new SqliteConnection({ file, pragmas: PRAGMAS });
    this.db = drizzleOver(this.connection);
  }

  async all<T = Record<string, unknown>>(query: SQL): Promise<T[]> {
    const { sql, params } = this.sqlDialect.sqlToQuery(query);
    return (await this.connection.query(sql, params, "objects")) as T[];
  }

  async run(query: SQL): Promise<number> {
    const { sql, params } = this.sqlDialect.sqlToQuery(query);
    return changes(await this.connection.query(sql, params, "run"));
  }

  async atomically(statements: readonly SQL[]): Promise<number[]> {
    const requests = statements.map((statement) => ({
      ...this.sqlDialect.sqlToQuery(statement),
      shape: "run" as const,
    }));
    return (await this.connection.batch(requests)).map(changes);
  }

  async insertIgnore(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly RowValue[])[],
  ): Promise<void> {
    identifiers(table, ...columns);
    for (const chunk of chunks(rows, columns.length)) {
      await this.connection.insert(table, columns, chunk as unknown[][]);
    }
  }

  async upsert(
    table: string,
    key: readonly string[],
    rows: readonly Record<string, RowValue>[],
  ): Promise<void> {
    const shape = upsertColumns(rows, key);
    if (!shape) return;
    const { columns, updates } = shape;
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const onConflict = `ON CONFLICT (${identifiers(...key)}) DO UPDATE SET ${updates.map((c) => `${c} = excluded.${c}`).join(", ")}`;
    for (const chunk of chunks(rows, columns.length)) {
      const statement = `INSERT INTO ${identifiers(table)} (${identifiers(...columns)}) VALUES ${chunk.map(() => tuple).join(", ")} ${onConflict}`;
      const params = chunk.flatMap((row) => columns.map((column) => row[column] ?? null));
      await this.connection.query(statement, params, "run");
    }
  }

  /**
   * Common builds have no DELETE … LIMIT: the rows are listed by a subquery on the time index in
   * the same statement, so a chunk is one message to the worker and no ids are built here.
   */
  async deleteBefore(table: string, column: string, before: Date, limit: number): Promise<number> {
    const name = identifiers(table);
    const result = await this.connection.query(
      `DELETE FROM ${name} WHERE rowid IN (SELECT rowid FROM ${name} WHERE ${identifiers(column)} < ? LIMIT ?)`,
      [before, limit],
      "run",
    );
    return changes(result);
  }

  /**
   * SQLite's GROUP BY reads the whole index; a recursive query skips from one key to the next
   * (one seek each) and reads each key's greatest value at the end of its range.
   */
  async maxByKey(table: string, key: string, column: string): Promise<{ key: string; max: unknown }[]> {
    const [t, k, c] = [identifiers(table), identifiers(key), identifiers(column)];
    const rows = (await this.connection.query(
      `WITH RECURSIVE s(k) AS (
         SELECT MIN(${k}) FROM ${t}
         UNION ALL
         SELECT (SELECT MIN(x.${k}) FROM ${t} x WHERE x.${k} > s.k) FROM s WHERE s.k IS NOT NULL
       )
       SELECT k, (SELECT MAX(y.${c}) FROM ${t} y WHERE y.${k} = s.k) AS m FROM s WHERE k IS NOT NULL`,
      [],
      "objects",
    )) as { k: unknown; m: unknown }[];
    return rows.map((row) => ({ key: String(row.k), max: row.m }));
  }

  readTime(value: unknown): Date {
    return new Date(Number(value));
  }

  isDataError(error: unknown): boolean {
    return isSqliteDataError(error);
  }

  /** A lock file beside the database; an in-memory database lives in one process, needing none. */
  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    if (this.file === ":memory:") return async () => {};
    return tryFileLock(`${resolve(this.file)}.${name}.lock`);
  }

  async migrate(): Promise<void> {
    await migrate(this.db, async (scripts) => void (await this.connection.script(scripts)), {
      migrationsFolder: MIGRATIONS,
    });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

export function isSqliteDataError(error: unknown): boolean {
  return errorChain(error).some((record) =>
    /SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(String(record.code ?? "")),
  );
}

/** Rows in statements that stay under SQLite's bound-variable limit and LIMITS.rowsPerInsert. */
function* chunks<T>(rows: readonly T[], columns: number): Generator<readonly T[]> {
  const size = Math.max(1, Math.min(LIMITS.rowsPerInsert, Math.floor(MAX_VARIABLES / Math.max(1, columns))));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function changes(result: unknown): number {
  return Number((result as { changes?: unknown } | null)?.changes ?? 0);
}

function drizzleOver(connection: SqliteConnection): SqliteRemoteDatabase<typeof schema> {
  return drizzle(
    async (sql, params, method) => {
      if (/^\s*(begin|savepoint)\b/i.test(sql)) {
        throw new Error(
          "SQLite runs in a worker thread: use db.batch([...]) for statements that must be atomic",
        );
      }
      const shape = proxyShape(method);
      const result = await connection.query(sql, params, shape);
      return { rows: shape === "run" ? [] : (result as unknown[]) };
    },
    async (queries) => {
      const shapes = queries.map(({ method }) => proxyShape(method));
      const results = await connection.batch(
        queries.map(({ sql, params }, i) => ({ sql, params, shape: shapes[i] ?? "run" })),
      );
      return results.map((result, i) => ({ rows: (shapes[i] === "run" ? [] : result) as unknown[] }));
    },
    { schema },
  );
}

/** Rows as drizzle's sqlite-proxy driver wants them for each of its methods. */
function proxyShape(method: "run" | "all" | "values" | "get"): Shape {
  return method === "run" ? "run" : method === "get" ? "first" : "arrays";
}
