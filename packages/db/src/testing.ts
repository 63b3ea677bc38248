// Fresh databases for tests (and benchmarks): a temporary SQLite file, or a new MariaDB database
// that is dropped afterwards. The MariaDB server is MYSQL_TEST_URL (default: root on
// 127.0.0.1:3306). Also the seeded generator that keeps synthetic data the same run to run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { type Database, type Dialect, openDatabase } from "./database.ts";

export type { Random } from "./seeded-random.ts";
export { seededRandom } from "./seeded-random.ts";

export const MYSQL_TEST_URL = process.env.MYSQL_TEST_URL ?? "mysql://root@127.0.0.1:3306";
export const DIALECTS: readonly Dialect[] = ["sqlite", "mysql"];

export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the connection and removes the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseUrl {
  url: string;
  /** Removes the database (its file, or the MariaDB database). */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Names the database (`<prefix>_<random>`) or the temporary folder; default `sw_test`. */
  prefix?: string;
}

const CREATE: Record<Dialect, (name: string) => Promise<TestDatabaseUrl>> = {
  sqlite: async (name) => {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    return {
      url: `file:${join(dir, "test.db")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  mysql: async (name) => {
    await onMysqlServer(`CREATE DATABASE \`${name}\``);
    return {
      url: `${MYSQL_TEST_URL.replace(/\/$/, "")}/${name}`,
      drop: () => onMysqlServer(`DROP DATABASE IF EXISTS \`${name}\``),
    };
  },
};

/** A URL for a new, empty database of the dialect (created, not opened). */
export function createTestDatabaseUrl(
  dialect: Dialect,
  options: TestDatabaseOptions = {},
): Promise<TestDatabaseUrl> {
  const prefix = options.prefix ?? "sw_test";
  if (!/^[a-z0-9_]+$/i.test(prefix)) throw new Error(`not a database name prefix: ${prefix}`);
  return CREATE[dialect](`${prefix}_${randomBytes(6).toString("hex")}`);
}

/** A new database of the dialect, opened and migrated. */
export async function createTestDatabase(
  dialect: Dialect,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const { url, drop } = await createTestDatabaseUrl(dialect, options);
  const database = await openDatabase(url);
  return {
    url,
    database,
    drop: async () => {
      await database.close().catch(() => {});
      await drop();
    },
  };
}

/**
 * Takes a named lock of withExclusiveLock as another instance would (its own handle on the same
 * database: its own MySQL connection, or a lock file naming a live process), until the returned
 * function releases it.
 */
export async function holdLockElsewhere(testDb: TestDatabase, name: string): Promise<() => Promise<void>> {
  const other = await openDatabase(testDb.url, { migrate: false });
  const release = await other.tryLock(name);
  if (!release) {
    await other.close();
    throw new Error(`the lock ${name} is already held`);
  }
  return async () => {
    await release();
    await other.close();
  };
}

async function onMysqlServer(statement: string): Promise<void> {
  const admin = await createConnection({ uri: MYSQL_TEST_URL });
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
