// Public entry of @scrapewatch/db.

export type { AnomalyQuery } from "./anomaly-store.ts";
export { AnomalyStore } from "./anomaly-store.ts";
export type { DayResult, SummaryRange } from "./daily-summary.ts";
export { DailySummaryStore } from "./daily-summary.ts";
export type { Database, OpenOptions } from "./database.ts";
export { migrateDatabase, openDatabase } from "./database.ts";
export { isDataError } from "./errors.ts";
export type { IncidentQuery, StoredIncident } from "./incident-store.ts";
export { IncidentStore } from "./incident-store.ts";
export type { StoredMonitorSettings, StoredMonitorState } from "./monitor-store.ts";
export { MonitorStore } from "./monitor-store.ts";
export type { LockOutcome } from "./exclusive-lock.ts";
export { withExclusiveLock } from "./exclusive-lock.ts";
export type { EventQuery, StoredEvent } from "./metric-store.ts";
export { MetricStore, SCRAPER_COLUMN_LIST } from "./metric-store.ts";
export { pingDatabase } from "./ping.ts";
export { ProxyFigureStore } from "./proxy-figures.ts";
export type { DeleteOptions } from "./retention.ts";
export { RAW_TABLES, RawRetention } from "./retention.ts";
export type { KnownSource } from "./source-index.ts";
export { knownSources } from "./source-index.ts";
export type { Dialect, DialectLimits, RowValue, StorageDialect } from "./storage-dialect.ts";
export { sourceIn, whereAll } from "./storage-dialect.ts";
export type { SchedulerDailySummary, ScraperDailySummary, SummaryFieldKind } from "./summary-rows.ts";
export { readDate, SCHEDULER_SUMMARY_FIELDS, SCRAPER_SUMMARY_FIELDS } from "./summary-rows.ts";
export { addDays, dayStart, utcDate } from "./utc-days.ts";
// Notifications (SPEC 14): channels, silences and the delivery outbox.
export type { ChannelFields, StoredChannel } from "./notifications/channel-store.ts";
export { ChannelStore, DuplicateChannelError } from "./notifications/channel-store.ts";
export type { Delivery, NewDelivery } from "./notifications/delivery-outbox.ts";
export { DeliveryOutbox } from "./notifications/delivery-outbox.ts";
export type { SilenceListQuery, StoredSilence } from "./notifications/silence-store.ts";
export { SilenceStore } from "./notifications/silence-store.ts";
