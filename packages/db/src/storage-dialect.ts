/**
 * The storage contract: everything a store may ask of the database. MySQL/MariaDB
 * (dialects/mysql.ts) and SQLite (dialects/sqlite.ts) implement it; stores (metric-store,
 * daily-summary, anomaly-store, retention, source-index, exclusive-lock, and any new one) hold a
 * `StorageDialect`, write their SQL once, and never ask which database is underneath.
 *
 * How a new store (monitors, incidents, a notification outbox…) uses it:
 * 1. Add its tables to schema/mysql.ts and schema/sqlite.ts and run `npm run migrate:generate`.
 *    Those drizzle tables are the source of the migrations; queries do not go through drizzle's
 *    query builder, whose two dialect typings cannot be used without a branch.
 * 2. Take a `StorageDialect` in the constructor. Write queries with drizzle's `sql` template and
 *    the tables' snake_case column names; bind values with `${value}` (never string concatenation).
 *    Bind times as `Date`s: both dialects store them in the time column's form (MySQL DATETIME(3)
 *    in UTC, SQLite epoch ms); read them back with `readTime`. Booleans are stored as 0/1: read
 *    them back with `Boolean(Number(x))`; numbers may come back as strings (MySQL BIGINT/DECIMAL).
 * 3. For what differs between the dialects use the contract, never a `dialect` check:
 *    `insertIgnore` (idempotent inserts by primary key), `upsert` (insert or update by key),
 *    `deleteBefore` (chunked deletes by a time column), `maxByKey` (skip scan of an index),
 *    `atomically` (statements that must all happen or none, e.g. a state change plus its outbox
 *    row), `tryLock` (one process among several does a job), `limits` (statement sizes).
 *    `sourceIn` and `whereAll` build the usual filters.
 * 4. Give rows ids made by the application (ULIDs, as events and anomalies have), not
 *    auto-increment ids: both dialects then insert, retry and read back alike.
 * 5. Test the store with `describe.each(DIALECTS)` and `createTestDatabase` from
 *    `@scrapewatch/db/testing`, so it runs on SQLite and on MariaDB.
 * If a store needs something the contract lacks, add a method here with both implementations
 * (and a case in storage-dialect.test.ts), rather than reaching around it.
 */
import { type SQL, sql } from "drizzle-orm";

export type Dialect = "mysql" | "sqlite";

/** Statement sizes and concurrency each dialect handles best (measured; see the implementations). */
export interface DialectLimits {
  /** Rows in one multi-row INSERT. */
  rowsPerInsert: number;
  /** INSERT statements worth having in flight at once (a pool keeps working; SQLite has one writer). */
  concurrentWrites: number;
  /** Rows per `deleteBefore` chunk when the caller does not say. */
  rowsPerDelete: number;
}

/** A value for `insertIgnore`/`upsert`: plain values; Dates are stored as the time column wants. */
export type RowValue = string | number | bigint | boolean | Date | null;

export interface StorageDialect {
  /** Which database this is: for logs and diagnostics only. Stores must not branch on it. */
  readonly dialect: Dialect;
  readonly url: string;
  readonly limits: DialectLimits;

  /** Rows of a query, keyed by column name as in the tables (snake_case). */
  all<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Runs a statement; answers how many rows its WHERE matched (affected rows). */
  run(query: SQL): Promise<number>;
  /**
   * Statements in one transaction, in order: all or none. Answers each one's affected rows.
   * (SQLite runs them as one message to its worker thread, so nothing else runs in between.)
   */
  atomically(statements: readonly SQL[]): Promise<number[]>;

  /**
   * Multi-row INSERT that leaves rows whose primary (or a unique) key exists as they are, so a
   * retried write never duplicates. Built straight for the driver: the hot path of ingest.
   * Sent in statements of at most `limits.rowsPerInsert` rows (fewer for very wide rows).
   */
  insertIgnore(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly RowValue[])[],
  ): Promise<void>;
  /**
   * Inserts rows, or where a row with the same `key` columns exists, overwrites its other
   * columns. Every row has the same columns (those of the first).
   */
  upsert(table: string, key: readonly string[], rows: readonly Record<string, RowValue>[]): Promise<void>;
  /** Deletes up to `limit` rows with `column < before`; answers how many it deleted. */
  deleteBefore(table: string, column: string, before: Date, limit: number): Promise<number>;
  /**
   * The greatest `column` for each distinct `key`, read through the (key, column) index with one
   * seek per key, however many rows each key has.
   */
  maxByKey(table: string, key: string, column: string): Promise<{ key: string; max: unknown }[]>;

  /** A stored time (MySQL Date, SQLite epoch ms) back to a Date. */
  readTime(value: unknown): Date;
  /** True when the database refused the rows themselves, so retrying them cannot succeed. */
  isDataError(error: unknown): boolean;
  /**
   * Takes the named lock if nobody holds it, across processes sharing this database; answers its
   * release, or null at once if it is held. A holder that dies loses the lock.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | null>;

  /** Applies the generated migrations not applied yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** `source IN (…)` over the given sources. An empty list matches nothing. */
export function sourceIn(sources: readonly string[]): SQL {
  if (sources.length === 0) return sql`1 = 0`;
  return sql`source IN (${sql.join(
    sources.map((source) => sql`${source}`),
    sql`, `,
  )})`;
}

/** `WHERE a AND b …` of the conditions given (undefined ones left out), or nothing. */
export function whereAll(conditions: readonly (SQL | undefined)[]): SQL {
  const present = conditions.filter((condition): condition is SQL => condition !== undefined);
  return present.length > 0 ? sql`WHERE ${sql.join(present, sql` AND `)}` : sql``;
}

/** The columns of an upsert's rows (those of the first row) and which of them it overwrites. */
export function upsertColumns(
  rows: readonly Record<string, RowValue>[],
  key: readonly string[],
): { columns: string[]; updates: string[] } | null {
  const first = rows[0];
  if (!first) return null;
  const columns = Object.keys(first);
  identifiers(...columns, ...key);
  return { columns, updates: columns.filter((column) => !key.includes(column)) };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Table and column names are spliced into statements: they come from code, and a name that is
 * not a plain identifier is a bug, stopped here rather than sent.
 */
export function identifiers(...names: readonly string[]): string {
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return names.join(", ");
}
