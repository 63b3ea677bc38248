// SQLite schema. Keep in step with mysql.ts: same tables, columns and indexes.
// Times are integer milliseconds since the epoch; dates are 'YYYY-MM-DD' text.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const time = (name: string) => integer(name, { mode: "timestamp_ms" });
const flag = (name: string) => integer(name, { mode: "boolean" });

export const scraperPagePerformance = sqliteTable(
  "scraper_page_performance",
  {
    id: text("id").primaryKey(),
    position: text("position").notNull(),
    source: text("source").notNull(),
    type: text("type").notNull(),
    url: text("url").notNull(),
    durationMs: integer("duration_ms").notNull(),
    retryCount: integer("retry_count").notNull().default(0),
    itemsExtracted: integer("items_extracted").notNull().default(0),
    dataSize: integer("data_size").notNull().default(0),
    success: flag("success").notNull(),
    error: text("error"),
    timestamp: time("timestamp").notNull(),
    // Scraper health (SPEC 15); navigations only, except proxy which scrapes carry too.
    statusCode: integer("status_code"),
    blocked: flag("blocked").notNull().default(false),
    blockReason: text("block_reason"),
    proxy: text("proxy"),
    bytes: integer("bytes"),
  },
  (t) => [
    index("spp_position_idx").on(t.position),
    index("spp_source_time_idx").on(t.source, t.timestamp),
    index("spp_time_idx").on(t.timestamp),
  ],
);

export const schedulerMetrics = sqliteTable(
  "scheduler_metrics",
  {
    id: text("id").primaryKey(),
    position: text("position").notNull(),
    source: text("source").notNull(),
    durationMs: integer("duration_ms").notNull(),
    itemsProcessed: integer("items_processed").notNull().default(0),
    success: flag("success").notNull(),
    error: text("error"),
    timestamp: time("timestamp").notNull(),
    /** Run lifecycle (monitors): a `started` row is not a run in figures or summaries. */
    runId: text("run_id"),
    state: text("state").notNull().default("finished"),
  },
  (t) => [
    index("sm_position_idx").on(t.position),
    index("sm_source_time_idx").on(t.source, t.timestamp),
    index("sm_time_idx").on(t.timestamp),
  ],
);

export const scraperDailySummary = sqliteTable(
  "scraper_daily_summary",
  {
    source: text("source").notNull(),
    date: text("date").notNull(),
    totalNavigations: integer("total_navigations").notNull(),
    successfulNavigations: integer("successful_navigations").notNull(),
    totalScrapes: integer("total_scrapes").notNull(),
    successfulScrapes: integer("successful_scrapes").notNull(),
    avgNavigationMs: real("avg_navigation_ms"),
    minNavigationMs: integer("min_navigation_ms"),
    maxNavigationMs: integer("max_navigation_ms"),
    p50NavigationMs: real("p50_navigation_ms"),
    p95NavigationMs: real("p95_navigation_ms"),
    p99NavigationMs: real("p99_navigation_ms"),
    avgScrapeMs: real("avg_scrape_ms"),
    minScrapeMs: integer("min_scrape_ms"),
    maxScrapeMs: integer("max_scrape_ms"),
    p50ScrapeMs: real("p50_scrape_ms"),
    p95ScrapeMs: real("p95_scrape_ms"),
    p99ScrapeMs: real("p99_scrape_ms"),
    avgRetries: real("avg_retries"),
    totalItems: integer("total_items").notNull(),
    avgItems: real("avg_items"),
    blockedNavigations: integer("blocked_navigations").notNull().default(0),
    status2xx: integer("status2xx").notNull().default(0),
    status3xx: integer("status3xx").notNull().default(0),
    status4xx: integer("status4xx").notNull().default(0),
    status5xx: integer("status5xx").notNull().default(0),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.date] }), index("sds_date_idx").on(t.date)],
);

export const schedulerDailySummary = sqliteTable(
  "scheduler_daily_summary",
  {
    source: text("source").notNull(),
    date: text("date").notNull(),
    totalRuns: integer("total_runs").notNull(),
    successfulRuns: integer("successful_runs").notNull(),
    avgDurationMs: real("avg_duration_ms"),
    minDurationMs: integer("min_duration_ms"),
    maxDurationMs: integer("max_duration_ms"),
    p50DurationMs: real("p50_duration_ms"),
    p95DurationMs: real("p95_duration_ms"),
    p99DurationMs: real("p99_duration_ms"),
    totalItems: integer("total_items").notNull(),
    avgItems: real("avg_items"),
    updatedAt: time("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.date] }), index("schds_date_idx").on(t.date)],
);

export const anomalies = sqliteTable(
  "anomalies",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    metric: text("metric").notNull(),
    value: real("value").notNull(),
    baseline: real("baseline").notNull(),
    deviationScore: real("deviation_score").notNull(),
    direction: text("direction").notNull(),
    detectedAt: time("detected_at").notNull(),
  },
  (t) => [
    index("anomalies_source_time_idx").on(t.source, t.detectedAt),
    index("anomalies_time_idx").on(t.detectedAt),
  ],
);

/** Days the nightly job has summarized: retention never deletes a day missing here. */
export const aggregationRuns = sqliteTable("aggregation_runs", {
  date: text("date").primaryKey(),
  summarizedAt: time("summarized_at").notNull(),
  rawRows: integer("raw_rows").notNull(),
});

// ---- Monitors and incidents (SPEC 14; apps/server/src/monitors) ----

/** Settings a monitor was given by PUT (JSON of MonitorSettings); absent: the defaults. */
export const monitorSettings = sqliteTable("monitor_settings", {
  source: text("source").primaryKey(),
  settings: text("settings").notNull(),
  /** When the current schedule was set: missed runs count from here. */
  scheduleSetAt: time("schedule_set_at"),
  updatedAt: time("updated_at").notNull(),
});

/** What each monitor has learned and is tracking (rhythm, running runs, recent outcomes), as JSON. */
export const monitorState = sqliteTable("monitor_state", {
  source: text("source").primaryKey(),
  kind: text("kind").notNull(),
  state: text("state").notNull(),
  updatedAt: time("updated_at").notNull(),
});

/** Incidents. `open_key` is set while open: its unique index allows one open per (source, kind, key). */
export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    kind: text("kind").notNull(),
    incidentKey: text("incident_key").notNull(),
    state: text("state").notNull(),
    openKey: text("open_key"),
    openedAt: time("opened_at").notNull(),
    resolvedAt: time("resolved_at"),
    summary: text("summary").notNull(),
    details: text("details").notNull(),
    silenced: flag("silenced").notNull().default(false),
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
export const notificationChannels = sqliteTable("notification_channels", {
  name: text("name").primaryKey(),
  type: text("type").notNull(),
  url: text("url"),
  toAddresses: text("to_addresses"),
  secret: text("secret"),
  sources: text("sources"),
  kinds: text("kinds"),
  enabled: flag("enabled").notNull(),
  createdAt: time("created_at").notNull(),
  updatedAt: time("updated_at").notNull(),
});

/** Maintenance windows: matching incidents' notifications are recorded as suppressed. */
export const silences = sqliteTable(
  "silences",
  {
    id: text("id").primaryKey(),
    sources: text("sources"),
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
export const notificationOutbox = sqliteTable(
  "notification_outbox",
  {
    id: text("id").primaryKey(),
    incidentId: text("incident_id").notNull(),
    source: text("source").notNull(),
    kind: text("kind").notNull(),
    channel: text("channel").notNull(),
    type: text("type").notNull(),
    status: text("status").notNull(),
    payload: text("payload").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: time("created_at").notNull(),
    nextAttemptAt: time("next_attempt_at"),
    sentAt: time("sent_at"),
    claimedBy: text("claimed_by"),
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
