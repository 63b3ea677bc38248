// Shapes of the REST answers the dashboard reads (SPEC 8), normalized so that views do not care
// whether a list comes bare or wrapped in `{items}`.
export interface SourceOverview {
  source: string;
  lastSeen: string | null;
  navigations: number;
  scrapes: number;
  schedulerRuns: number;
  successRate: number | null;
  p50NavigationMs: number | null;
  p95NavigationMs: number | null;
  p50ScrapeMs: number | null;
  p95ScrapeMs: number | null;
  items: number;
  errors: number;
}

// The summary fields the dashboard reads, per kind: counts (0 when absent) and figures (null).
const DAILY_COUNTS = [
  "totalNavigations",
  "successfulNavigations",
  "totalScrapes",
  "successfulScrapes",
  "totalItems",
] as const;
const DAILY_FIGURES = [
  "avgNavigationMs",
  "p50NavigationMs",
  "p95NavigationMs",
  "p99NavigationMs",
  "avgScrapeMs",
  "p50ScrapeMs",
  "p95ScrapeMs",
  "p99ScrapeMs",
  "avgRetries",
] as const;
const SCHEDULER_COUNTS = ["totalRuns", "successfulRuns", "totalItems"] as const;
const SCHEDULER_FIGURES = ["avgDurationMs", "p50DurationMs", "p95DurationMs", "maxDurationMs"] as const;

/** One source's day: `source`, `date` (YYYY-MM-DD), counts and nullable figures. */
type Summary<Count extends string, Figure extends string> = { source: string; date: string } & Record<
  Count,
  number
> &
  Record<Figure, number | null>;

export type DailySummary = Summary<(typeof DAILY_COUNTS)[number], (typeof DAILY_FIGURES)[number]>;
export type SchedulerSummary = Summary<(typeof SCHEDULER_COUNTS)[number], (typeof SCHEDULER_FIGURES)[number]>;

type Row = Record<string, unknown>;

export function listOf(body: unknown, ...keys: string[]): Row[] {
  if (Array.isArray(body)) return body.filter(isRow);
  if (isRow(body)) {
    for (const key of ["items", ...keys]) {
      const value = body[key];
      if (Array.isArray(value)) return value.filter(isRow);
    }
  }
  return [];
}

export function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** First numeric value among `keys`, looking in the row and in its nested objects. */
export function num(row: Row, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      return Number(value);
  }
  for (const nested of Object.values(row)) {
    if (isRow(nested)) {
      const found = num(nested, ...keys);
      if (found !== null) return found;
    }
  }
  return null;
}

export function str(row: Row, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === "string") return value;
    if (typeof value === "number") return new Date(value).toISOString();
  }
  return null;
}

/** One entry of `GET /api/v1/sources`: `{source, kind, lastSeen, lastHour: {navigation, scrape, scheduler}}`. */
export function toSourceOverview(row: Row): SourceOverview | null {
  const source = str(row, "source");
  if (!source) return null;
  const lastHour = isRow(row.lastHour) ? row.lastHour : {};
  const figures = (key: string) => {
    const f = isRow(lastHour[key]) ? (lastHour[key] as Row) : {};
    return {
      count: num(f, "count") ?? 0,
      successes: num(f, "successes") ?? 0,
      items: num(f, "items") ?? 0,
      p50: num(f, "p50DurationMs"),
      p95: num(f, "p95DurationMs"),
    };
  };
  const nav = figures("navigation");
  const scrape = figures("scrape");
  const scheduler = figures("scheduler");
  const total = nav.count + scrape.count + scheduler.count;
  const successes = nav.successes + scrape.successes + scheduler.successes;
  return {
    source,
    lastSeen: str(row, "lastSeen"),
    navigations: nav.count,
    scrapes: scrape.count,
    schedulerRuns: scheduler.count,
    successRate: total === 0 ? null : successes / total,
    p50NavigationMs: nav.p50,
    p95NavigationMs: nav.p95,
    p50ScrapeMs: scrape.p50,
    p95ScrapeMs: scrape.p95,
    items: nav.items + scrape.items + scheduler.items,
    errors: total - successes,
  };
}

export function toDailySummary(row: Row): DailySummary | null {
  return toSummary(row, DAILY_COUNTS, DAILY_FIGURES);
}

export function toSchedulerSummary(row: Row): SchedulerSummary | null {
  return toSummary(row, SCHEDULER_COUNTS, SCHEDULER_FIGURES);
}

function toSummary<Count extends string, Figure extends string>(
  row: Row,
  counts: readonly Count[],
  figures: readonly Figure[],
): Summary<Count, Figure> | null {
  const source = str(row, "source");
  const date = str(row, "date");
  if (!source || !date) return null;
  const summary: Record<string, unknown> = { source, date: date.slice(0, 10) };
  for (const key of counts) summary[key] = num(row, key) ?? 0;
  for (const key of figures) summary[key] = num(row, key);
  return summary as Summary<Count, Figure>;
}
