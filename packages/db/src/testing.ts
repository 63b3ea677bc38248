// Fresh databases for tests: a temporary SQLite file, or a new MariaDB database that is
// dropped afterwards. The MariaDB server is MYSQL_TEST_URL (default: root on 127.0.0.1:3306).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import { type Database, type Dialect, openDatabase } from "./database.ts";
import { MYSQL_LOCK_NAME } from "./exclusive-lock.ts";

export const MYSQL_TEST_URL = process.env.MYSQL_TEST_URL ?? "mysql://root@127.0.0.1:3306";
export const DIALECTS: readonly Dialect[] = ["sqlite", "mysql"];

export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the connection and removes the database. */
  drop(): Promise<void>;
}

/** A URL for a new, empty database of the dialect (created, not opened). */
export async function createTestDatabaseUrl(
  dialect: Dialect,
): Promise<{ url: string; drop(): Promise<void> }> {
  const suffix = randomBytes(6).toString("hex");
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "scrapewatch-test-"));
    return {
      url: `file:${join(dir, "test.db")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `sw_test_${suffix}`;
  const admin = await createConnection({ uri: MYSQL_TEST_URL });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  return {
    url: `${MYSQL_TEST_URL.replace(/\/$/, "")}/${name}`,
    drop: async () => {
      const conn = await createConnection({ uri: MYSQL_TEST_URL });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const { url, drop } = await createTestDatabaseUrl(dialect);
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
 * Takes a named lock of withExclusiveLock as another instance would (its own MySQL connection,
 * or a lock file naming a live process), until the returned function releases it.
 */
export async function holdLockElsewhere(testDb: TestDatabase, name: string): Promise<() => Promise<void>> {
  if (testDb.database.dialect === "mysql") {
    const connection = await createConnection({ uri: testDb.url });
    await connection.query(`SELECT GET_LOCK(${MYSQL_LOCK_NAME}, 0)`, [name]);
    return async () => {
      await connection.end();
    };
  }
  const file = `${resolve(testDb.url.slice("file:".length))}.${name}.lock`;
  // The parent process (the test runner) is alive, so the lock counts as held.
  writeFileSync(file, String(process.ppid));
  return async () => rmSync(file, { force: true });
}
