// Opens the database named by a URL (`file:` → embedded SQLite, `mysql://` → MySQL/MariaDB),
// applies the generated migrations, and hides the few dialect differences behind one shape.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzleSqlite, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate as migrateSqlite } from "drizzle-orm/libsql/migrator";
import { drizzle as drizzleMysql, type MySql2Database } from "drizzle-orm/mysql2";
import { migrate as migrateMysql } from "drizzle-orm/mysql2/migrator";
import { createPool } from "mysql2/promise";
import * as mysqlSchema from "./schema/mysql.ts";
import * as sqliteSchema from "./schema/sqlite.ts";

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
  readonly db: LibSQLDatabase<typeof sqliteSchema>;
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
    await migrateSqlite(database.db, { migrationsFolder: resolve(MIGRATIONS_ROOT, "sqlite") });
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

function openSqlite(url: string): SqliteDatabase {
  const file = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const client = createClient({ url: file === ":memory:" ? ":memory:" : `file:${file}` });
  const db = drizzleSqlite(client, { schema: sqliteSchema });
  const ready = (async () => {
    // WAL lets readers (REST, replay) run beside the batched writer.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  })();
  return {
    dialect: "sqlite",
    url,
    db,
    schema: sqliteSchema,
    async all<T>(query: SQL) {
      await ready;
      return (await db.all(query)) as T[];
    },
    async run(query: SQL) {
      await ready;
      await db.run(query);
    },
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return;
      await ready;
      const tuple = `(${columns.map(() => "?").join(", ")})`;
      const values = rows.map(() => tuple).join(", ");
      const args = rows.flat().map(toSqliteValue);
      await client.execute({
        sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values} ON CONFLICT DO NOTHING`,
        args,
      });
    },
    time: (date) => date.getTime(),
    readTime: (value) => new Date(Number(value)),
    close: async () => {
      await ready.catch(() => {});
      client.close();
    },
  };
}

type SqliteValue = string | number | bigint | null | ArrayBuffer;

function toSqliteValue(value: unknown): SqliteValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") return value;
  return JSON.stringify(value);
}
