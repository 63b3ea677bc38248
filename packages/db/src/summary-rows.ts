// The shapes of the daily summaries, and their conversion to and from table rows.
import type { RowValue } from "./storage-dialect.ts";
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
  /** Navigations that were blocked, and navigations per status class (SPEC 15). */
  blockedNavigations: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
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

/** How a summary field is stored and typed: text, a UTC date, an integer count, a nullable number. */
export type SummaryFieldKind = "text" | "date" | "count" | "value";

/**
 * The columns of each summary table, in order: field name → kind. The column is the field name
 * in snake_case. One table per kind drives the upsert, the read back and the API's schema.
 */
export const SCRAPER_SUMMARY_FIELDS = {
  source: "text",
  date: "date",
  totalNavigations: "count",
  successfulNavigations: "count",
  totalScrapes: "count",
  successfulScrapes: "count",
  avgNavigationMs: "value",
  minNavigationMs: "value",
  maxNavigationMs: "value",
  p50NavigationMs: "value",
  p95NavigationMs: "value",
  p99NavigationMs: "value",
  avgScrapeMs: "value",
  minScrapeMs: "value",
  maxScrapeMs: "value",
  p50ScrapeMs: "value",
  p95ScrapeMs: "value",
  p99ScrapeMs: "value",
  avgRetries: "value",
  totalItems: "count",
  avgItems: "value",
  blockedNavigations: "count",
  status2xx: "count",
  status3xx: "count",
  status4xx: "count",
  status5xx: "count",
} as const satisfies Record<keyof ScraperDailySummary, SummaryFieldKind>;

export const SCHEDULER_SUMMARY_FIELDS = {
  source: "text",
  date: "date",
  totalRuns: "count",
  successfulRuns: "count",
  avgDurationMs: "value",
  minDurationMs: "value",
  maxDurationMs: "value",
  p50DurationMs: "value",
  p95DurationMs: "value",
  p99DurationMs: "value",
  totalItems: "count",
  avgItems: "value",
} as const satisfies Record<keyof SchedulerDailySummary, SummaryFieldKind>;

type Fields<T> = Record<keyof T, SummaryFieldKind>;

/** `p95NavigationMs` → `p95_navigation_ms`. */
export function columnName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A summary with no events: counts 0, figures null. */
export function emptySummary<T>(fields: Fields<T>, source: string, date: string): T {
  const summary: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries<SummaryFieldKind>(fields)) {
    summary[field] = kind === "count" ? 0 : kind === "value" ? null : "";
  }
  return { ...summary, source, date } as T;
}

/** The table row of a summary (plus updated_at). */
export function toColumns<T extends object>(fields: Fields<T>, summary: T): Record<string, RowValue> {
  const row: Record<string, RowValue> = {};
  // Every field of a summary is text, a count or a nullable number.
  for (const field of Object.keys(fields)) row[columnName(field)] = summary[field as keyof T] as RowValue;
  row.updated_at = new Date();
  return row;
}

/** A summary read back from its table row (MySQL returns DECIMAL and BIGINT as strings). */
export function fromColumns<T>(fields: Fields<T>, row: Record<string, unknown>): T {
  const summary: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries<SummaryFieldKind>(fields)) {
    const value = row[columnName(field)];
    summary[field] =
      kind === "text"
        ? String(value)
        : kind === "date"
          ? readDate(value)
          : kind === "count"
            ? Number(value)
            : num(value);
  }
  return summary as T;
}

export function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** MySQL DATE comes back as a Date at UTC midnight (the pool runs in UTC); SQLite keeps text. */
export function readDate(value: unknown): string {
  return value instanceof Date ? utcDate(value) : String(value).slice(0, 10);
}
