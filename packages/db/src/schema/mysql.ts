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
  mysqlTable,
  primaryKey,
  text,
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
