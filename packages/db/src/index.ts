// Public entry of @scrapewatch/db.

export type { AnomalyQuery } from "./anomaly-store.ts";
export { AnomalyStore } from "./anomaly-store.ts";
export type { DayResult, SummaryRange } from "./daily-summary.ts";
export { DailySummaryStore } from "./daily-summary.ts";
export type { Database, Dialect, MysqlDatabase, OpenOptions, SqliteDatabase } from "./database.ts";
export { migrateDatabase, openDatabase } from "./database.ts";
export { isDataError } from "./errors.ts";
export type { LockOutcome } from "./exclusive-lock.ts";
export { withExclusiveLock } from "./exclusive-lock.ts";
export type { EventQuery, StoredEvent } from "./metric-store.ts";
export { MetricStore, SCRAPER_COLUMN_LIST } from "./metric-store.ts";
export { pingDatabase } from "./ping.ts";
export type { DeleteOptions } from "./retention.ts";
export { RAW_TABLES, RawRetention } from "./retention.ts";
export type { KnownSource } from "./source-index.ts";
export { knownSources } from "./source-index.ts";
export type { SchedulerDailySummary, ScraperDailySummary, SummaryFieldKind } from "./summary-rows.ts";
export { readDate, SCHEDULER_SUMMARY_FIELDS, SCRAPER_SUMMARY_FIELDS } from "./summary-rows.ts";
export { addDays, dayStart, utcDate } from "./utc-days.ts";
