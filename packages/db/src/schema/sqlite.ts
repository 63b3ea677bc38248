// SQLite schema. Keep in step with mysql.ts: same tables, columns and indexes.
// Times are integer milliseconds since the epoch; dates are 'YYYY-MM-DD' text.
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
