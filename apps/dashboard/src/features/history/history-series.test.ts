import { describe, expect, it } from "vitest";
import type { DailySummary } from "../../api/shapes.ts";
import { byDay } from "./history-series.ts";

function row(source: string, date: string, fields: Partial<DailySummary>): DailySummary {
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
    blockedNavigations: 0,
    status2xx: 0,
    status3xx: 0,
    status4xx: 0,
    status5xx: 0,
    ...fields,
  };
}

describe("byDay", () => {
  it("adds sources of the same day and orders days", () => {
    const points = byDay([
      row("b", "2026-01-02", { totalScrapes: 10, successfulScrapes: 5, totalItems: 7, p95ScrapeMs: 900 }),
      row("a", "2026-01-01", { totalNavigations: 4, successfulNavigations: 4 }),
      row("a", "2026-01-02", { totalScrapes: 10, successfulScrapes: 10, totalItems: 3, p95ScrapeMs: 300 }),
    ]);
    expect(points).toEqual([
      { date: "2026-01-01", successRate: 100, items: 0, p95NavigationMs: null, p95ScrapeMs: null },
      { date: "2026-01-02", successRate: 75, items: 10, p95NavigationMs: null, p95ScrapeMs: 900 },
    ]);
  });
});
