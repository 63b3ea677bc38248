// MySQL / MariaDB schema. Keep in step with sqlite.ts: same tables, columns and indexes.
// `datetime` needs fsp 3, or MariaDB drops the milliseconds.
import {
  bigint,
  boolean,
  date,
  datetime,
  double,
  index,
  int,
  mediumtext,
  mysqlTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";

const time = (name: string) => datetime(name, { mode: "date", fsp: 3 });

/** Navigation and scrape events. `position` is the fixed-width delivery cursor key. */
export const scraperPagePerformance = mysqlTable(
  "scraper_page_performance",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    position: varchar("position", { length: 32 }).notNull(),
    source: varchar("source", { length: 100 }).notNull(),
    type: varchar("type", { length: 16 }).notNull(),
    url: varchar("url", { length: 2048 }).notNull(),
    durationMs: int("duration_ms").notNull(),
    retryCount: int("retry_count").notNull().default(0),
    itemsExtracted: int("items_extracted").notNull().default(0),
    dataSize: bigint("data_size", { mode: "number" }).notNull().default(0),
    success: boolean("success").notNull(),
    error: text("error"),
    timestamp: time("timestamp").notNull(),
    // Scraper health (SPEC 15); navigations only, except proxy which scrapes carry too.
    statusCode: smallint("status_code"),
    blocked: boolean("blocked").notNull().default(false),
    blockReason: varchar("block_reason", { length: 50 }),
    proxy: varchar("proxy", { length: 100 }),
    bytes: bigint("bytes", { mode: "number" }),
  },
  (t) => [
    index("spp_position_idx").on(t.position),
    index("spp_source_time_idx").on(t.source, t.timestamp),
    index("spp_time_idx").on(t.timestamp),
  ],
);

export const schedulerMetrics = mysqlTable(
  "scheduler_metrics",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    position: varchar("position", { length: 32 }).notNull(),
    source: varchar("source", { length: 100 }).notNull(),
    durationMs: int("duration_ms").notNull(),
    itemsProcessed: int("items_processed").notNull().default(0),
    success: boolean("success").notNull(),
    error: text("error"),
    timestamp: time("timestamp").notNull(),
    /** Run lifecycle (monitors): a `started` row is not a run in figures or summaries. */
    runId: varchar("run_id", { length: 100 }),
    state: varchar("state", { length: 8 }).notNull().default("finished"),
  },
  (t) => [
    index("sm_position_idx").on(t.position),
    index("sm_source_time_idx").on(t.source, t.timestamp),
    index("sm_time_idx").on(t.timestamp),
  ],
);

export const scraperDailySummary = mysqlTable(
  "scraper_daily_summary",
  {
    source: varchar("source", { length: 100 }).notNull(),
    date: date("date", { mode: "string" }).notNull(),
    totalNavigations: int("total_navigations").notNull(),
    successfulNavigations: int("successful_navigations").notNull(),
    totalScrapes: int("total_scrapes").notNull(),
    successfulScrapes: int("successful_scrapes").notNull(),
    avgNavigationMs: double("avg_navigation_ms"),
    minNavigationMs: int("min_navigation_ms"),
    maxNavigationMs: int("max_navigation_ms"),
    p50NavigationMs: double("p50_navigation_ms"),
    p95NavigationMs: double("p95_navigation_ms"),
    p99NavigationMs: double("p99_navigation_ms"),
    avgScrapeMs: double("avg_scrape_ms"),
    minScrapeMs: int("min_scrape_ms"),
    maxScrapeMs: int("max_scrape_ms"),
    p50ScrapeMs: double("p50_scrape_ms"),
    p95ScrapeMs: double("p95_scrape_ms"),
    p99ScrapeMs: double("p99_scrape_ms"),
    avgRetries: double("avg_retries"),
    totalItems: bigint("total_items", { mode: "number" }).notNull(),
    avgItems: double("avg_items"),
    blockedNavigations: int("blocked_navigations").notNull().default(0),
    status2xx: int("status2xx").notNull().default(0),
    status3xx: int("status3xx").notNull().default(0),
    status4xx: int("status4xx").notNull().default(0),
    status5xx: int("status5xx").notNull().default(0),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.date] }), index("sds_date_idx").on(t.date)],
);

export const schedulerDailySummary = mysqlTable(
  "scheduler_daily_summary",
  {
    source: varchar("source", { length: 100 }).notNull(),
    date: date("date", { mode: "string" }).notNull(),
    totalRuns: int("total_runs").notNull(),
    successfulRuns: int("successful_runs").notNull(),
    avgDurationMs: double("avg_duration_ms"),
    minDurationMs: int("min_duration_ms"),
    maxDurationMs: int("max_duration_ms"),
    p50DurationMs: double("p50_duration_ms"),
    p95DurationMs: double("p95_duration_ms"),
    p99DurationMs: double("p99_duration_ms"),
    totalItems: bigint("total_items", { mode: "number" }).notNull(),
    avgItems: double("avg_items"),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.date] }), index("schds_date_idx").on(t.date)],
);

export const anomalies = mysqlTable(
  "anomalies",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    source: varchar("source", { length: 100 }).notNull(),
    metric: varchar("metric", { length: 32 }).notNull(),
    value: double("value").notNull(),
    baseline: double("baseline").notNull(),
    deviationScore: double("deviation_score").notNull(),
    direction: varchar("direction", { length: 8 }).notNull(),
    detectedAt: time("detected_at").notNull(),
  },
  (t) => [
    index("anomalies_source_time_idx").on(t.source, t.detectedAt),
    index("anomalies_time_idx").on(t.detectedAt),
  ],
);

/** Days the nightly job has summarized: retention never deletes a day missing here. */
export const aggregationRuns = mysqlTable("aggregation_runs", {
  date: date("date", { mode: "string" }).primaryKey(),
  summarizedAt: time("summarized_at").notNull(),
  rawRows: int("raw_rows").notNull(),
});

// ---- Monitors and incidents (SPEC 14; apps/server/src/monitors) ----

/** Settings a monitor was given by PUT (JSON of MonitorSettings); absent: the defaults. */
export const monitorSettings = mysqlTable("monitor_settings", {
  source: varchar("source", { length: 100 }).primaryKey(),
  settings: text("settings").notNull(),
  /** When the current schedule was set: missed runs count from here. */
  scheduleSetAt: time("schedule_set_at"),
  updatedAt: time("updated_at").notNull(),
});

/** What each monitor has learned and is tracking (rhythm, running runs, recent outcomes), as JSON. */
export const monitorState = mysqlTable("monitor_state", {
  source: varchar("source", { length: 100 }).primaryKey(),
  kind: varchar("kind", { length: 16 }).notNull(),
  state: text("state").notNull(),
  updatedAt: time("updated_at").notNull(),
});

/** Incidents. `open_key` is set while open: its unique index allows one open per (source, kind, key). */
export const incidents = mysqlTable(
  "incidents",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    source: varchar("source", { length: 100 }).notNull(),
    kind: varchar("kind", { length: 16 }).notNull(),
    incidentKey: varchar("incident_key", { length: 100 }).notNull(),
    state: varchar("state", { length: 8 }).notNull(),
    openKey: varchar("open_key", { length: 230 }),
    openedAt: time("opened_at").notNull(),
    resolvedAt: time("resolved_at"),
    summary: text("summary").notNull(),
    details: text("details").notNull(),
    silenced: boolean("silenced").notNull().default(false),
  },
  (t) => [
    uniqueIndex("incidents_open_key_idx").on(t.openKey),
    index("incidents_source_idx").on(t.source, t.id),
    index("incidents_state_idx").on(t.state, t.id),
  ],
);
// ---- end of monitors and incidents ----

// ---- Notifications (SPEC 14): channels, silences and the delivery outbox ----------------------
// JSON lists are kept as text (JSON.stringify), read the same way on both dialects.

/** Where notifications go. `secret` signs webhook requests and is never returned by the API. */
export const notificationChannels = mysqlTable("notification_channels", {
  name: varchar("name", { length: 50 }).primaryKey(),
  type: varchar("type", { length: 16 }).notNull(),
  url: varchar("url", { length: 2048 }),
  toAddresses: text("to_addresses"),
  secret: varchar("secret", { length: 256 }),
  sources: mediumtext("sources"),
  kinds: text("kinds"),
  enabled: boolean("enabled").notNull(),
  createdAt: time("created_at").notNull(),
  updatedAt: time("updated_at").notNull(),
});

/** Maintenance windows: matching incidents' notifications are recorded as suppressed. */
export const silences = mysqlTable(
  "silences",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    sources: mediumtext("sources"),
    kinds: text("kinds"),
    startsAt: time("starts_at").notNull(),
    endsAt: time("ends_at").notNull(),
    reason: text("reason").notNull(),
    createdAt: time("created_at").notNull(),
  },
  (t) => [index("silences_ends_idx").on(t.endsAt)],
);

/**
 * One row per delivery of an incident transition to a channel, kept until sent (or failed).
 * Instances claim due rows by writing `claimed_by` and `lease_until`; `released_at` marks a
 * suppressed `incident.opened` that needs no later delivery (released when its silence ended, or
 * its incident resolved).
 */
export const notificationOutbox = mysqlTable(
  "notification_outbox",
  {
    id: varchar("id", { length: 26 }).primaryKey(),
    incidentId: varchar("incident_id", { length: 64 }).notNull(),
    source: varchar("source", { length: 100 }).notNull(),
    kind: varchar("kind", { length: 16 }).notNull(),
    channel: varchar("channel", { length: 50 }).notNull(),
    type: varchar("type", { length: 24 }).notNull(),
    status: varchar("status", { length: 16 }).notNull(),
    payload: mediumtext("payload").notNull(),
    attempts: int("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: time("created_at").notNull(),
    nextAttemptAt: time("next_attempt_at"),
    sentAt: time("sent_at"),
    claimedBy: varchar("claimed_by", { length: 64 }),
    leaseUntil: time("lease_until"),
    releasedAt: time("released_at"),
  },
  (t) => [
    index("outbox_due_idx").on(t.channel, t.status, t.nextAttemptAt),
    index("outbox_incident_idx").on(t.incidentId),
    index("outbox_claim_idx").on(t.claimedBy),
    index("outbox_status_type_idx").on(t.status, t.type),
  ],
);
// ---- end of notifications ---------------------------------------------------------------------
