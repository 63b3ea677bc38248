// Daily roll-ups per (source, UTC date): computed in SQL from the raw rows of one day and upserted,
// so computing a day twice gives the same row. Percentiles use the nearest-rank definition:
// the p-th percentile of n sorted values is the value at 1-based rank ceil(p·n/100), found with
// ROW_NUMBER()/COUNT() windows (MariaDB 10.11 and SQLite alike) using integer arithmetic only.
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { knownSources } from "./source-index.ts";
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
  constructor(private readonly database: Database) {}

  /** Summarizes one UTC day from the raw rows and records it in aggregation_runs. */
  async summarizeDay(date: string): Promise<DayResult> {
    const scraper = await this.computeScraper(date);
    const scheduler = await this.computeScheduler(date);
    await this.upsert(
      "scraper_daily_summary",
      scraper.map((summary) => toColumns(SCRAPER_SUMMARY_FIELDS, summary)),
    );
    await this.upsert(
      "scheduler_daily_summary",
      scheduler.map((summary) => toColumns(SCHEDULER_SUMMARY_FIELDS, summary)),
    );
    const rawRows =
      scraper.reduce((sum, s) => sum + s.totalNavigations + s.totalScrapes, 0) +
      scheduler.reduce((sum, s) => sum + s.totalRuns, 0);
    await this.upsert("aggregation_runs", [{ date, summarized_at: new Date(), raw_rows: rawRows }], ["date"]);
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
      "retry_count, items_extracted AS items",
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
    const t = this.database.time;
    const group = sql.raw(groupBy);
    const retries =
      table === "scraper_page_performance" ? sql.raw(", SUM(retry_count) AS sum_retries") : sql``;
    return this.database.all<Record<string, unknown>>(sql`
      SELECT ${group}, COUNT(*) AS total, SUM(success) AS ok, SUM(duration_ms) AS sum_ms,
        MIN(duration_ms) AS min_ms, MAX(duration_ms) AS max_ms, SUM(items) AS total_items${retries},
        ${percentile(50)} AS p50, ${percentile(95)} AS p95, ${percentile(99)} AS p99
      FROM (
        SELECT ${group}, success, duration_ms, ${sql.raw(extra)},
          ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY duration_ms) AS rn,
          COUNT(*) OVER (PARTITION BY ${group}) AS n
        FROM ${sql.raw(table)}
        WHERE source = ${source} AND timestamp >= ${t(start)} AND timestamp < ${t(end)}
      ) ranked
      GROUP BY ${group}`);
  }

  private async upsert(table: string, rows: Record<string, unknown>[], key = ["source", "date"]) {
    const first = rows[0];
    if (!first) return;
    const columns = Object.keys(first);
    const updates = columns.filter((column) => !key.includes(column));
    // Bound variables per statement stay far below SQLite's 32,766 limit.
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows.slice(i, i + 500).map(
        (row) =>
          sql`(${sql.join(
            columns.map((column) => sql`${this.value(row[column])}`),
            sql`, `,
          )})`,
      );
      const set =
        this.database.dialect === "mysql"
          ? sql.raw(`ON DUPLICATE KEY UPDATE ${updates.map((c) => `${c} = VALUES(${c})`).join(", ")}`)
          : sql.raw(
              `ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.map((c) => `${c} = excluded.${c}`).join(", ")}`,
            );
      await this.database.run(
        sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns.join(", "))}) VALUES ${sql.join(values, sql`, `)} ${set}`,
      );
    }
  }

  private value(value: unknown): unknown {
    if (value instanceof Date) return this.database.time(value);
    return value ?? null;
  }

  private readRange(table: string, range: SummaryRange) {
    const where: SQL[] = [];
    if (range.sources && range.sources.length > 0) {
      where.push(
        sql`source IN (${sql.join(
          range.sources.map((s) => sql`${s}`),
          sql`, `,
        )})`,
      );
    }
    if (range.from) where.push(sql`date >= ${range.from}`);
    if (range.to) where.push(sql`date <= ${range.to}`);
    const clause = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
    return this.database.all<Record<string, unknown>>(
      sql`SELECT * FROM ${sql.raw(table)} ${clause} ORDER BY date, source LIMIT ${range.limit ?? 10_000}`,
    );
  }
}
