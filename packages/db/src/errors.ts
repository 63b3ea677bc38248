// Telling a database that is away (retry later) from rows it refuses (dead-letter them).
import { isMysqlDataError } from "./dialects/mysql.ts";
import { isSqliteDataError } from "./dialects/sqlite.ts";
import type { Dialect } from "./storage-dialect.ts";

const CLASSIFIERS: Record<Dialect, (error: unknown) => boolean> = {
  mysql: isMysqlDataError,
  sqlite: isSqliteDataError,
};

/**
 * True when the database rejected the rows themselves; retrying them cannot succeed. The same as
 * `database.isDataError(error)`, for callers that hold only the dialect's name.
 */
export function isDataError(error: unknown, dialect: Dialect): boolean {
  return CLASSIFIERS[dialect](error);
}
