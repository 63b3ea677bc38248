// The figures a source card shows, derived from a `GET /api/v1/sources` entry. The REST answers
// themselves are the protocol package's types (SourceSummary, DailySummary, …), never copies.
import type { HealthFigures, SourceFigures, SourceSummary } from "@scrapewatch/protocol";

export type { DailySummary, SchedulerSummary } from "@scrapewatch/protocol";

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
  /** Scraper health of the last hour (block rates over 5 min and 1 h, status classes, reasons). */
  health: HealthFigures;
}

export function toSourceOverview(entry: SourceSummary): SourceOverview {
  const { navigation, scrape, scheduler } = entry.lastHour;
  const all: SourceFigures[] = [navigation, scrape, scheduler];
  const total = all.reduce((sum, f) => sum + f.count, 0);
  const successes = all.reduce((sum, f) => sum + f.successes, 0);
  return {
    source: entry.source,
    lastSeen: entry.lastSeen,
    navigations: navigation.count,
    scrapes: scrape.count,
    schedulerRuns: scheduler.count,
    successRate: total === 0 ? null : successes / total,
    p50NavigationMs: navigation.p50DurationMs,
    p95NavigationMs: navigation.p95DurationMs,
    p50ScrapeMs: scrape.p50DurationMs,
    p95ScrapeMs: scrape.p95DurationMs,
    items: all.reduce((sum, f) => sum + f.items, 0),
    errors: total - successes,
    health: entry.lastHour.health,
  };
}
