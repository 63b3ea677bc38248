// A lock that one process among several sharing a database can hold while it runs a job (the
// dialect's tryLock: MySQL's GET_LOCK, a lock file beside SQLite), plus a guard within this
// process, where the database's lock would let the same holder in twice.
import type { StorageDialect } from "./storage-dialect.ts";

export type LockOutcome<T> = { ran: true; value: T } | { ran: false };

const heldHere = new Set<string>();

/** Runs fn while holding the named lock, or returns {ran:false} at once if someone holds it. */
export async function withExclusiveLock<T>(
  database: StorageDialect,
  name: string,
  fn: () => Promise<T>,
): Promise<LockOutcome<T>> {
  const key = `${database.url}#${name}`;
  if (heldHere.has(key)) return { ran: false };
  heldHere.add(key);
  try {
    const release = await database.tryLock(name);
    if (!release) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await release();
    }
  } finally {
    heldHere.delete(key);
  }
}
