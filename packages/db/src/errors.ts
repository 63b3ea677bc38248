// Telling a database that is away (retry later) from rows it refuses (dead-letter them).
import type { Dialect } from "./database.ts";

const MYSQL_DATA_ERRNOS = new Set([
  1048, // column cannot be null
  1264, // out of range
  1265, // data truncated
  1292, // incorrect datetime/value
  1366, // incorrect value for column
  1406, // data too long
  1452, // foreign key
  3140, // invalid JSON
]);

/** True when the database rejected the rows themselves; retrying them cannot succeed. */
export function isDataError(error: unknown, dialect: Dialect): boolean {
  if (typeof error !== "object" || error === null) return false;
  const record = error as { errno?: unknown; sqlState?: unknown; code?: unknown; cause?: unknown };
  // Drizzle wraps the driver's error; the driver's own fields are on its cause.
  if (record.cause !== undefined && isDataError(record.cause, dialect)) return true;
  if (dialect === "mysql") {
    if (typeof record.errno === "number" && MYSQL_DATA_ERRNOS.has(record.errno)) return true;
    return typeof record.sqlState === "string" && /^(22|23)/.test(record.sqlState);
  }
  return /SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(String(record.code ?? ""));
}
