// Opens the database named by a URL (`file:` → embedded SQLite, `mysql://` → MySQL/MariaDB),
// applies the generated migrations, and hides the few dialect differences behind one shape.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzleMysql, type MySql2Database } from "drizzle-orm/mysql2";
import { migrate as migrateMysql } from "drizzle-orm/mysql2/migrator";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { drizzle as drizzleSqlite, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import { migrate as migrateSqlite } from "drizzle-orm/sqlite-proxy/migrator";
import { createPool } from "mysql2/promise";
import * as mysqlSchema from "./schema/mysql.ts";
import * as sqliteSchema from "./schema/sqlite.ts";
import type { Shape } from "./sqlite/protocol.ts";
import { SqliteConnection } from "./sqlite/sqlite-connection.ts";

export type Dialect = "mysql" | "sqlite";

const MIGRATIONS_ROOT = fileURLToPath(new URL("../../../drizzle/", import.meta.url));

interface Common {
  readonly url: string;
  /** Rows of a raw query. Column names as in the tables (snake_case). */
  all<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  run(query: SQL): Promise<void>;
  /**
   * Multi-row INSERT of plain values, skipping rows whose primary key exists. The hot path of
   * ingest: built straight for the driver, without a query builder per value.
   */
  insertRows(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  /** A JS time as the dialect stores it (Date for MySQL, epoch ms for SQLite) for raw queries. */
  time(date: Date): Date | number;
  /** A stored time back to a Date. */
  readTime(value: unknown): Date;
  close(): Promise<void>;
}

export interface MysqlDatabase extends Common {
  readonly dialect: "mysql";
  readonly db: MySql2Database<typeof mysqlSchema>;
  readonly schema: typeof mysqlSchema;
}

export interface SqliteDatabase extends Common {
  readonly dialect: "sqlite";
  /**
   * Drizzle over the worker thread that owns the connection (sqlite-proxy driver). `db.batch`
   * runs as one transaction; `db.transaction` is refused, as other calls would interleave.
   */
  readonly db: SqliteRemoteDatabase<typeof sqliteSchema>;
  readonly schema: typeof sqliteSchema;
}

export type Database = MysqlDatabase | SqliteDatabase;

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** MySQL pool size (default 10). */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const database = url.startsWith("mysql://") ? openMysql(url, options) : openSqlite(url);
  if (options.migrate !== false) await migrateDatabase(database);
  return database;
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.dialect === "mysql") {
    await migrateMysql(database.db, { migrationsFolder: resolve(MIGRATIONS_ROOT, "mysql") });
  } else {
    const connection = sqliteConnections.get(database);
    if (!connection) throw new Error("not a database opened by openDatabase");
    await migrateSqlite(database.db, async (scripts) => void (await connection.script(scripts)), {
      migrationsFolder: resolve(MIGRATIONS_ROOT, "sqlite"),
    });
  }
}

function openMysql(url: string, options: OpenOptions): MysqlDatabase {
  const pool = createPool({
    uri: url,
    // Times are UTC on the wire and in the table; the server's own zone must not leak in.
    timezone: "Z",
    connectionLimit: options.poolSize ?? 10,
    connectTimeout: 5_000,
    enableKeepAlive: true,
    multipleStatements: false,
  });
  // A pool emits errors of idle connections; they surface again on the next query.
  pool.on("connection", (connection) => connection.on("error", () => {}));
  const db = drizzleMysql(pool, { schema: mysqlSchema, mode: "default" });
  return {
    dialect: "mysql",
    url,
    db,
    schema: mysqlSchema,
    async all<T>(query: SQL) {
      const [rows] = await db.execute(query);
      return rows as unknown as T[];
    },
    async run(query: SQL) {
      await db.execute(query);
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      const [first] = columns;
      await pool.query(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES ? ON DUPLICATE KEY UPDATE ${first} = ${first}`,
        [rows],
      );
    },
    time: (date) => date,
    readTime: (value) => (value instanceof Date ? value : new Date(String(value))),
    close: () => pool.end(),
  };
}

// WAL lets readers (REST, replay) run beside the batched writer.
const SQLITE_PRAGMAS = [
  "PRAGMA journal_mode = WAL",
  "PRAGMA synchronous = NORMAL",
  "PRAGMA busy_timeout = 5000",
];

/**
 * SQLite's calls are synchronous, so the connection lives in a worker thread (sqlite/worker.ts)
 * and every statement is a message to it: a slow statement, a WAL checkpoint or the nightly job
 * never stalls the event loop. Statements still run one at a time, in call order.
 */
function openSqlite(url: string): SqliteDatabase {
  const file = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const connection = new SqliteConnection({
    file: file === ":memory:" ? ":memory:" : file,
    pragmas: SQLITE_PRAGMAS,
  });
  const dialect = new SQLiteAsyncDialect();
  const db = drizzleSqlite(
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
    { schema: sqliteSchema },
  );
  const database: SqliteDatabase = {
    dialect: "sqlite",
    url,
    db,
    schema: sqliteSchema,
    async all<T>(query: SQL) {
      const { sql, params } = dialect.sqlToQuery(query);
      return (await connection.query(sql, params, "objects")) as T[];
    },
    async run(query: SQL) {
      const { sql, params } = dialect.sqlToQuery(query);
      await connection.query(sql, params, "run");
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      await connection.insert(table, columns, rows);
    },
    time: (date) => date.getTime(),
    readTime: (value) => new Date(Number(value)),
    close: () => connection.close(),
  };
  sqliteConnections.set(database, connection);
  return database;
}

const sqliteConnections = new WeakMap<SqliteDatabase, SqliteConnection>();

/** Rows as drizzle's sqlite-proxy driver wants them for each of its methods. */
function proxyShape(method: "run" | "all" | "values" | "get"): Shape {
  return method === "run" ? "run" : method === "get" ? "first" : "arrays";
}
