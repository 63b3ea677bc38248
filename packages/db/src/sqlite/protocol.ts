// The messages between a SqliteDatabase (main thread) and the worker thread that owns its
// connection. Values cross by structured clone; each request gets exactly one reply.

/**
 * What a statement's rows come back as: `objects` keyed by column name, `arrays` of values in
 * column order (what drizzle's sqlite-proxy driver maps), `first` (the first such array, for
 * drizzle's `get`), or `run` (no rows, the number of changed rows).
 */
export type Shape = "objects" | "arrays" | "first" | "run";

export interface StatementRequest {
  sql: string;
  params: readonly unknown[];
  shape: Shape;
}

export type Request =
  | ({ id: number; kind: "query" } & StatementRequest)
  /** A multi-row INSERT … ON CONFLICT DO NOTHING of plain values: the ingest hot path. */
  | { id: number; kind: "insert"; table: string; columns: readonly string[]; rows: readonly unknown[][] }
  /** Statements run in one transaction: all of them or none. */
  | { id: number; kind: "batch"; statements: readonly StatementRequest[] }
  /** SQL scripts (migrations) run in one transaction, each possibly several statements. */
  | { id: number; kind: "script"; scripts: readonly string[] }
  | { id: number; kind: "close" };

/** An error thrown in the worker, in fields that survive the trip. */
export interface ErrorFields {
  name: string;
  message: string;
  /** SQLite's (extended) result code name, e.g. SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_BUSY. */
  code?: string;
  /** SQLite's numeric (extended) result code. */
  rawCode?: number;
  stack?: string;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorFields };

export interface WorkerConfig {
  /** A file path, or `:memory:`. */
  file: string;
  /** PRAGMA statements run once the connection is open. */
  pragmas: readonly string[];
}
