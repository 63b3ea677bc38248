// The shapes of the daily summaries, and their conversion to and from table rows.
import { utcDate } from "./utc-days.ts";

export interface ScraperDailySummary {
  source: string;
  date: string;
  totalNavigations: number;
  successfulNavigations: number;
  totalScrapes: number;
  successfulScrapes: number;
  avgNavigationMs: number | null;
  minNavigationMs: number | null;
  maxNavigationMs: number | null;
  p50NavigationMs: number | null;
  p95NavigationMs: number | null;
  p99NavigationMs: number | null;
  avgScrapeMs: number | null;
  minScrapeMs: number | null;
  maxScrapeMs: number | null;
  p50ScrapeMs: number | null;
  p95ScrapeMs: number | null;
  p99ScrapeMs: number | null;
  /** Mean retryCount of the day's navigations. */
  avgRetries: number | null;
  /** Sum and mean of itemsExtracted over the day's scrapes. */
  totalItems: number;
  avgItems: number | null;
}

export interface SchedulerDailySummary {
  source: string;
  date: string;
  totalRuns: number;
  successfulRuns: number;
  avgDurationMs: number | null;
  minDurationMs: number | null;
  maxDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p99DurationMs: number | null;
  totalItems: number;
  avgItems: number | null;
}

export interface Stats {
  total: number;
  ok: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

// Means are computed here from exact sums: MySQL's AVG of integers is a DECIMAL with 4 places.
export function ratio(sum: unknown, count: number): number | null {
  return count === 0 || sum === null || sum === undefined ? null : Number(sum) / count;
}

export function readStats(row: Record<string, unknown>): Stats {
  const total = Number(row.total);
  return {
    total,
    ok: Number(row.ok ?? 0),
    avg: ratio(row.sum_ms, total),
    min: num(row.min_ms),
    max: num(row.max_ms),
    p50: num(row.p50),
    p95: num(row.p95),
    p99: num(row.p99),
  };
}

export function emptyScraper(source: string, date: string): ScraperDailySummary {
  return {
    source,
    date,
    totalNavigations: 0,
    successfulNavigations: 0,
    totalScrapes: 0,
    successfulScrapes: 0,
    avgNavigationMs: null,
    minNavigationMs: null,
    maxNavigationMs: null,
    p50NavigationMs: null,
    p95NavigationMs: null,
    p99NavigationMs: null,
    avgScrapeMs: null,
    minScrapeMs: null,
    maxScrapeMs: null,
    p50ScrapeMs: null,
    p95ScrapeMs: null,
    p99ScrapeMs: null,
    avgRetries: null,
    totalItems: 0,
    avgItems: null,
  };
}

export function scraperColumns(s: ScraperDailySummary): Record<string, unknown> {
  return {
    source: s.source,
    date: s.date,
    total_navigations: s.totalNavigations,
    successful_navigations: s.successfulNavigations,
    total_scrapes: s.totalScrapes,
    successful_scrapes: s.successfulScrapes,
    avg_navigation_ms: s.avgNavigationMs,
    min_navigation_ms: s.minNavigationMs,
    max_navigation_ms: s.maxNavigationMs,
    p50_navigation_ms: s.p50NavigationMs,
    p95_navigation_ms: s.p95NavigationMs,
    p99_navigation_ms: s.p99NavigationMs,
    avg_scrape_ms: s.avgScrapeMs,
    min_scrape_ms: s.minScrapeMs,
    max_scrape_ms: s.maxScrapeMs,
    p50_scrape_ms: s.p50ScrapeMs,
    p95_scrape_ms: s.p95ScrapeMs,
    p99_scrape_ms: s.p99ScrapeMs,
    avg_retries: s.avgRetries,
    total_items: s.totalItems,
    avg_items: s.avgItems,
    updated_at: new Date(),
  };
}

export function schedulerColumns(s: SchedulerDailySummary): Record<string, unknown> {
  return {
    source: s.source,
    date: s.date,
    total_runs: s.totalRuns,
    successful_runs: s.successfulRuns,
    avg_duration_ms: s.avgDurationMs,
    min_duration_ms: s.minDurationMs,
    max_duration_ms: s.maxDurationMs,
    p50_duration_ms: s.p50DurationMs,
    p95_duration_ms: s.p95DurationMs,
    p99_duration_ms: s.p99DurationMs,
    total_items: s.totalItems,
    avg_items: s.avgItems,
    updated_at: new Date(),
  };
}

export function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** MySQL DATE comes back as a Date at UTC midnight (the pool runs in UTC); SQLite keeps text. */
export function readDate(value: unknown): string {
  return value instanceof Date ? utcDate(value) : String(value).slice(0, 10);
}
