// Public entry of @scrapewatch/db.
export { migrateDatabase, openDatabase } from "./database.ts";
export type { Database, Dialect, MysqlDatabase, OpenOptions, SqliteDatabase } from "./database.ts";
export { isDataError } from "./errors.ts";
export { MetricStore } from "./metric-store.ts";
export type { EventQuery, StoredEvent } from "./metric-store.ts";
