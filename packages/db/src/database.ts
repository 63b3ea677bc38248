// Opens the database named by a URL (`file:` → embedded SQLite, `mysql://` → MySQL/MariaDB) as a
// StorageDialect (storage-dialect.ts) and applies the generated migrations.
import { MysqlDatabase } from "./dialects/mysql.ts";
import { SqliteDatabase } from "./dialects/sqlite.ts";
import type { StorageDialect } from "./storage-dialect.ts";

export type { Dialect } from "./storage-dialect.ts";

/** What openDatabase answers: the storage contract, whichever database is underneath. */
export type Database = StorageDialect;

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** MySQL pool size (default 10). */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const database: Database = url.startsWith("mysql://")
    ? new MysqlDatabase(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize })
    : new SqliteDatabase(url);
  if (options.migrate !== false) {
    // A failed start (server away, bad migration) must not leave a pool or a thread behind.
    await database.migrate().catch(async (error: unknown) => {
      await database.close().catch(() => {});
      throw error;
    });
  }
  return database;
}

export async function migrateDatabase(database: Database): Promise<void> {
  await database.migrate();
}
