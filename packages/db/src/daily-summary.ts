// Daily roll-ups per (source, UTC date): computed in SQL from the raw rows of one day and upserted,
// so computing a day twice gives the same row. Percentiles use the nearest-rank definition:
// the p-th percentile of n sorted values is the value at 1-based rank ceil(p·n/100), found with
// ROW_NUMBER()/COUNT() windows (MariaDB 10.11 and SQLite alike) using integer arithmetic only.
import { sql } from "drizzle-orm";
import { knownSources } from "./source-index.ts";
import { type RowValue, type StorageDialect, sourceIn, whereAll } from "./storage-dialect.ts";
import {
  emptySummary,
  fromColumns,
  ratio,
  readDate,
  readStats,
  SCHEDULER_SUMMARY_FIELDS,
  type SchedulerDailySummary,
  SCRAPER_SUMMARY_FIELDS,
  type ScraperDailySummary,
  type Stats,
  toColumns,
} from "./summary-rows.ts";
import { DAY_MS, dayStart } from "./utc-days.ts";

export interface SummaryRange {
  sources?: readonly string[];
  /** Inclusive 'YYYY-MM-DD'. */
  from?: string;
  /** Inclusive 'YYYY-MM-DD'. */
  to?: string;
  limit?: number;
}

export interface DayResult {
  date: string;
  scraperSources: number;
  schedulerSources: number;
  rawRows: number;
}

const DURATION_STATS = ["avg", "min", "max", "p50", "p95", "p99"] as const;

/** `durationFields("Scrape", stats)` → `{avgScrapeMs, minScrapeMs, …, p99ScrapeMs}`. */
function durationFields<K extends string>(kind: K, stats: Stats) {
  return Object.fromEntries(DURATION_STATS.map((stat) => [`${stat}${kind}Ms`, stats[stat]])) as Record<
    `${(typeof DURATION_STATS)[number]}${K}Ms`,
    number | null
  >;
}

const percentile = (p: number) =>
  sql.raw(`MIN(CASE WHEN rn * 100 >= ${p} * n AND (rn - 1) * 100 < ${p} * n THEN duration_ms END)`);

export class DailySummaryStore {
  constructor(private readonly database: StorageDialect) {}

  /** Summarizes one UTC day from the raw rows and records it in aggregation_runs. */
  async summarizeDay(date: string): Promise<DayResult> {
    const scraper = await this.computeScraper(date);
    const scheduler = await this.computeScheduler(date);
    const key = ["source", "date"];
    await this.database.upsert(
      "scraper_daily_summary",
      key,
      scraper.map((summary) => toColumns(SCRAPER_SUMMARY_FIELDS, summary)),
    );
    await this.database.upsert(
      "scheduler_daily_summary",
      key,
      scheduler.map((summary) => toColumns(SCHEDULER_SUMMARY_FIELDS, summary)),
    );
    const rawRows =
      scraper.reduce((sum, s) => sum + s.totalNavigations + s.totalScrapes, 0) +
      scheduler.reduce((sum, s) => sum + s.totalRuns, 0);
    await this.database.upsert(
      "aggregation_runs",
      ["date"],
      [{ date, summarized_at: new Date(), raw_rows: rawRows } satisfies Record<string, RowValue>],
    );
    return { date, scraperSources: scraper.length, schedulerSources: scheduler.length, rawRows };
  }

  /** Dates recorded as summarized, among the given ones. */
  async summarizedDates(from: string, to: string): Promise<Set<string>> {
    const rows = await this.database.all<{ date: unknown }>(
      sql`SELECT date FROM aggregation_runs WHERE date >= ${from} AND date <= ${to}`,
    );
    return new Set(rows.map((row) => readDate(row.date)));
  }

  async scraperSummaries(range: SummaryRange): Promise<ScraperDailySummary[]> {
    const rows = await this.readRange("scraper_daily_summary", range);
    return rows.map((row) => fromColumns<ScraperDailySummary>(SCRAPER_SUMMARY_FIELDS, row));
  }

  async schedulerSummaries(range: SummaryRange): Promise<SchedulerDailySummary[]> {
    const rows = await this.readRange("scheduler_daily_summary", range);
    return rows.map((row) => fromColumns<SchedulerDailySummary>(SCHEDULER_SUMMARY_FIELDS, row));
  }

  private async computeScraper(date: string): Promise<ScraperDailySummary[]> {
    const rows = await this.aggregateBySource(
      "scraper_page_performance",
      "source, type",
      "retry_count, items_extracted AS items, blocked, status_code",
      date,
    );
    const bySource = new Map<string, ScraperDailySummary>();
    for (const row of rows) {
      const source = String(row.source);
      const summary =
        bySource.get(source) ?? emptySummary<ScraperDailySummary>(SCRAPER_SUMMARY_FIELDS, source, date);
      bySource.set(source, summary);
      const stats = readStats(row);
      if (row.type === "navigation") {
        Object.assign(summary, {
          totalNavigations: stats.total,
          successfulNavigations: stats.ok,
          ...durationFields("Navigation", stats),
          avgRetries: ratio(row.sum_retries, stats.total),
          blockedNavigations: Number(row.sum_blocked ?? 0),
          status2xx: Number(row.status_2xx ?? 0),
          status3xx: Number(row.status_3xx ?? 0),
          status4xx: Number(row.status_4xx ?? 0),
          status5xx: Number(row.status_5xx ?? 0),
        });
      } else {
        Object.assign(summary, {
          totalScrapes: stats.total,
          successfulScrapes: stats.ok,
          ...durationFields("Scrape", stats),
          totalItems: Number(row.total_items ?? 0),
          avgItems: ratio(row.total_items, stats.total),
        });
      }
    }
    return [...bySource.values()];
  }

  private async computeScheduler(date: string): Promise<SchedulerDailySummary[]> {
    const rows = await this.aggregateBySource(
      "scheduler_metrics",
      "source",
      "items_processed AS items",
      date,
    );
    return rows.map((row) => {
      const stats = readStats(row);
      return {
        source: String(row.source),
        date,
        totalRuns: stats.total,
        successfulRuns: stats.ok,
        ...durationFields("Duration", stats),
        totalItems: Number(row.total_items ?? 0),
        avgItems: ratio(row.total_items, stats.total),
      };
    });
  }

  /**
   * One source at a time, through the (source, timestamp) index: each statement stays short, and
   * SQLite (one connection, in a worker thread) lets ingest's inserts run between them.
   */
  private async aggregateBySource(table: string, groupBy: string, extra: string, date: string) {
    const rows: Record<string, unknown>[] = [];
    const sources = (await knownSources(this.database)).filter(
      (s) => (s.kind === "scheduler") === (table === "scheduler_metrics"),
    );
    for (const { source } of sources) {
      rows.push(...(await this.aggregate(table, groupBy, extra, date, source)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return rows;
  }

  /** One pass over a source's day: counts, sums, extremes and nearest-rank percentiles per group. */
  private aggregate(table: string, groupBy: string, extra: string, date: string, source: string) {
    const start = dayStart(date);
    const end = new Date(start.getTime() + DAY_MS);
    const group = sql.raw(groupBy);
    const statusClass = (c: number) =>
      `SUM(CASE WHEN status_code >= ${c}00 AND status_code < ${c + 1}00 THEN 1 ELSE 0 END) AS status_${c}xx`;
    const retries =
      table === "scraper_page_performance"
        ? sql.raw(
            `, SUM(retry_count) AS sum_retries, SUM(blocked) AS sum_blocked, ${[2, 3, 4, 5].map(statusClass).join(", ")}`,
          )
        : sql``;
    // A started run is not a run: only its finished event counts (SPEC 1).
    const finishedOnly = table === "scheduler_metrics" ? sql.raw(" AND state = 'finished'") : sql``;
    return this.database.all<Record<string, unknown>>(sql`
      SELECT ${group}, COUNT(*) AS total, SUM(success) AS ok, SUM(duration_ms) AS sum_ms,
        MIN(duration_ms) AS min_ms, MAX(duration_ms) AS max_ms, SUM(items) AS total_items${retries},
        ${percentile(50)} AS p50, ${percentile(95)} AS p95, ${percentile(99)} AS p99
      FROM (
        SELECT ${group}, success, duration_ms, ${sql.raw(extra)},
          ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY duration_ms) AS rn,
          COUNT(*) OVER (PARTITION BY ${group}) AS n
        FROM ${sql.raw(table)}
        WHERE source = ${source} AND timestamp >= ${start} AND timestamp < ${end}${finishedOnly}
      ) ranked
      GROUP BY ${group}`);
  }

  private readRange(table: string, range: SummaryRange) {
    const clause = whereAll([
      range.sources && range.sources.length > 0 ? sourceIn(range.sources) : undefined,
      range.from ? sql`date >= ${range.from}` : undefined,
      range.to ? sql`date <= ${range.to}` : undefined,
    ]);
    return this.database.all<Record<string, unknown>>(
      sql`SELECT * FROM ${sql.raw(table)} ${clause} ORDER BY date, source LIMIT ${range.limit ?? 10_000}`,
    );
  }
}
