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

export interface DailySummary {
  source: string;
  date: string;
  totalNavigations: number;
  successfulNavigations: number;
  totalScrapes: number;
  successfulScrapes: number;
  avgNavigationMs: number | null;
  p50NavigationMs: number | null;
  p95NavigationMs: number | null;
  p99NavigationMs: number | null;
  avgScrapeMs: number | null;
  p50ScrapeMs: number | null;
  p95ScrapeMs: number | null;
  p99ScrapeMs: number | null;
  avgRetries: number | null;
  totalItems: number;
}

export interface SchedulerSummary {
  source: string;
  date: string;
  totalRuns: number;
  successfulRuns: number;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  maxDurationMs: number | null;
  totalItems: number;
}

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
  const source = str(row, "source");
  const date = str(row, "date");
  if (!source || !date) return null;
  return {
    source,
    date: date.slice(0, 10),
    totalNavigations: num(row, "totalNavigations") ?? 0,
    successfulNavigations: num(row, "successfulNavigations") ?? 0,
    totalScrapes: num(row, "totalScrapes") ?? 0,
    successfulScrapes: num(row, "successfulScrapes") ?? 0,
    avgNavigationMs: num(row, "avgNavigationMs"),
    p50NavigationMs: num(row, "p50NavigationMs"),
    p95NavigationMs: num(row, "p95NavigationMs"),
    p99NavigationMs: num(row, "p99NavigationMs"),
    avgScrapeMs: num(row, "avgScrapeMs"),
    p50ScrapeMs: num(row, "p50ScrapeMs"),
    p95ScrapeMs: num(row, "p95ScrapeMs"),
    p99ScrapeMs: num(row, "p99ScrapeMs"),
    avgRetries: num(row, "avgRetries"),
    totalItems: num(row, "totalItems") ?? 0,
  };
}

export function toSchedulerSummary(row: Row): SchedulerSummary | null {
  const source = str(row, "source");
  const date = str(row, "date");
  if (!source || !date) return null;
  return {
    source,
    date: date.slice(0, 10),
    totalRuns: num(row, "totalRuns") ?? 0,
    successfulRuns: num(row, "successfulRuns") ?? 0,
    avgDurationMs: num(row, "avgDurationMs"),
    p50DurationMs: num(row, "p50DurationMs"),
    p95DurationMs: num(row, "p95DurationMs"),
    maxDurationMs: num(row, "maxDurationMs"),
    totalItems: num(row, "totalItems") ?? 0,
  };
}
