// The thread that owns a SqliteDatabase's connection. SQLite's API is synchronous: run here,
// a long statement, a WAL checkpoint's fsync or the nightly job's deletes keep this thread busy
// while the server's event loop goes on. Requests run one at a time, in the order they came.
import { parentPort, workerData } from "node:worker_threads";
import Database from "libsql";
import type { ErrorFields, Reply, Request, Shape, StatementRequest, WorkerConfig } from "./protocol.ts";

type Statement = ReturnType<Database.Database["prepare"]>;

const port = parentPort;
if (!port) throw new Error("worker.ts runs as a worker thread of a SqliteDatabase");
const config = workerData as WorkerConfig;

// Prepared statements by SQL text (and insert shape): ingest repeats a handful of statements.
const STATEMENT_CACHE_SIZE = 200;
const statements = new Map<string, Statement>();

// A failure to open is answered to every request rather than thrown: the caller sees it as the
// rejection of its first query (the migration), like any other SQLite error.
let db: Database.Database | undefined;
let openError: unknown;

function open(): void {
  statements.clear();
  try {
    db = new Database(config.file);
    for (const pragma of config.pragmas) db.exec(pragma);
  } catch (error) {
    db = undefined;
    openError = error;
  }
}
open();

/**
 * A statement that failed with SQLITE_BUSY (or LOCKED) is left un-reset by libsql (it has no
 * reset()), which keeps the connection's implicit transaction open: later writes are neither
 * visible to other connections nor durable, and are lost when the statement is finally reset
 * or collected (measured with libsql 0.5.29). A fresh connection is the one dependable reset.
 * A :memory: database lives in its connection, so it keeps it (no other connection can lock it).
 */
function recoverFrom(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (config.file === ":memory:" || typeof code !== "string" || !/^SQLITE_(BUSY|LOCKED)/.test(code)) return;
  try {
    db?.close();
  } catch {
    // The old connection is dropped either way.
  }
  open();
}

function prepare(connection: Database.Database, key: string, sql: () => string): Statement {
  let statement = statements.get(key);
  if (statement) {
    statements.delete(key);
  } else {
    statement = connection.prepare(sql());
    if (statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
  }
  statements.set(key, statement);
  return statement;
}

function execute(connection: Database.Database, sql: string, params: unknown[], shape: Shape): unknown {
  const statement = prepare(connection, sql, () => sql);
  if (!statement.reader) return { changes: statement.run(params).changes };
  if (shape === "objects") return statement.raw(false).all(params);
  const rows = statement.raw(true).all(params);
  if (shape === "arrays") return rows;
  if (shape === "first") return rows[0];
  return { changes: 0 }; // `run` of a statement that returns rows (a PRAGMA setting, say): run, rows dropped
}

function insert(
  connection: Database.Database,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
) {
  if (rows.length === 0) return { changes: 0 };
  const key = `insert ${table} (${columns.join(",")}) x${rows.length}`;
  const statement = prepare(connection, key, () => {
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const values = rows.map(() => tuple).join(", ");
    return `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values} ON CONFLICT DO NOTHING`;
  });
  const params: unknown[] = [];
  for (const row of rows) for (const value of row) params.push(toSqliteValue(value));
  return { changes: statement.run(params).changes };
}

/** The values @libsql/client bound before: Dates as epoch ms, booleans as 0/1, objects as JSON. */
function toSqliteValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return value;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return Buffer.from(value as Uint8Array);
  return JSON.stringify(value);
}

function inTransaction<T>(connection: Database.Database, work: () => T): T {
  connection.exec("BEGIN");
  try {
    const result = work();
    connection.exec("COMMIT");
    return result;
  } catch (error) {
    if (connection.inTransaction) connection.exec("ROLLBACK");
    throw error;
  }
}

function statementResult(connection: Database.Database, statement: StatementRequest): unknown {
  return execute(connection, statement.sql, statement.params.map(toSqliteValue), statement.shape);
}

function handle(request: Exclude<Request, { kind: "close" }>): unknown {
  if (!db) throw openError;
  const connection = db;
  switch (request.kind) {
    case "query":
      return statementResult(connection, request);
    case "insert":
      return insert(connection, request.table, request.columns, request.rows);
    case "batch":
      return inTransaction(connection, () => request.statements.map((s) => statementResult(connection, s)));
    case "script":
      return inTransaction(connection, () => {
        for (const script of request.scripts) connection.exec(script);
        return null;
      });
  }
}

function errorFields(error: unknown): ErrorFields {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, rawCode } = error as { code?: unknown; rawCode?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof rawCode === "number" ? { rawCode } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

port.on("message", (request: Request) => {
  let reply: Reply;
  if (request.kind === "close") {
    statements.clear();
    try {
      db?.close();
      reply = { id: request.id, ok: true, result: null };
    } catch (error) {
      reply = { id: request.id, ok: false, error: errorFields(error) };
    }
    db = undefined;
    openError = new Error("the database is closed");
    port.postMessage(reply);
    // With the port closed the thread has nothing left to do and exits.
    port.close();
    return;
  }
  try {
    reply = { id: request.id, ok: true, result: handle(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: errorFields(error) };
    recoverFrom(error);
  }
  port.postMessage(reply);
});
