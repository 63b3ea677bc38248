// A lock that one process among several sharing a database can hold while it runs a job:
// MySQL's GET_LOCK on a dedicated connection (released by the server if the holder dies), and a
// lock file beside an SQLite database (a stale file of a dead process is taken over).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import type { Database } from "./database.ts";

export type LockOutcome<T> = { ran: true; value: T } | { ran: false };

const heldHere = new Set<string>();

/** Runs fn while holding the named lock, or returns {ran:false} at once if someone holds it. */
export async function withExclusiveLock<T>(
  database: Database,
  name: string,
  fn: () => Promise<T>,
): Promise<LockOutcome<T>> {
  const key = `${database.url}#${name}`;
  if (heldHere.has(key)) return { ran: false };
  heldHere.add(key);
  try {
    return database.dialect === "mysql"
      ? await withMysqlLock(database.url, name, fn)
      : await withFileLock(database.url, name, fn);
  } finally {
    heldHere.delete(key);
  }
}

/** Lock names are server-wide: the database's name keeps deployments sharing a server apart. */
export const MYSQL_LOCK_NAME = "LEFT(CONCAT(?, '.', IFNULL(DATABASE(), '')), 64)";

async function withMysqlLock<T>(url: string, name: string, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  const connection = await createConnection({ uri: url, enableKeepAlive: true });
  connection.on("error", () => {});
  try {
    const [rows] = await connection.query(`SELECT GET_LOCK(${MYSQL_LOCK_NAME}, 0) AS got`, [name]);
    const got = Array.isArray(rows) ? (rows[0] as { got?: unknown } | undefined)?.got : undefined;
    if (Number(got) !== 1) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await connection.query(`SELECT RELEASE_LOCK(${MYSQL_LOCK_NAME})`, [name]).catch(() => {});
    }
  } finally {
    await connection.end().catch(() => {});
  }
}

async function withFileLock<T>(url: string, name: string, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  const file = url.startsWith("file:") ? url.slice("file:".length) : url;
  // An in-memory database lives in one process: the in-process guard is the whole lock.
  if (file === ":memory:") return { ran: true, value: await fn() };
  const lockPath = `${resolve(file)}.${name}.lock`;
  if (!acquireFile(lockPath)) return { ran: false };
  try {
    return { ran: true, value: await fn() };
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function acquireFile(lockPath: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (holderAlive(lockPath)) return false;
      rmSync(lockPath, { force: true });
    }
  }
  return false;
}

function holderAlive(lockPath: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, "utf8").trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
