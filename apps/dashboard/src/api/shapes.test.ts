import { describe, expect, it } from "vitest";
import { listOf, toDailySummary, toSourceOverview } from "./shapes.ts";

describe("REST shapes", () => {
  it("reads a /api/v1/sources entry into card figures", () => {
    const figures = (count: number, successes: number, items: number, p50: number | null) => ({
      count,
      successes,
      successRate: count ? successes / count : null,
      items,
      p50DurationMs: p50,
      p95DurationMs: p50 === null ? null : p50 * 2,
    });
    const [row] = listOf(
      {
        sources: [
          {
            source: "robinhood",
            kind: "scraper",
            lastSeen: "2026-01-01T00:00:00.000Z",
            lastHour: {
              navigation: figures(10, 9, 0, 800),
              scrape: figures(10, 10, 120, 200),
              scheduler: figures(0, 0, 0, null),
            },
          },
        ],
        windowStart: "2026-01-01T00:00:00.000Z",
      },
      "sources",
    );
    expect(row && toSourceOverview(row)).toEqual({
      source: "robinhood",
      lastSeen: "2026-01-01T00:00:00.000Z",
      navigations: 10,
      scrapes: 10,
      schedulerRuns: 0,
      successRate: 0.95,
      p50NavigationMs: 800,
      p95NavigationMs: 1600,
      p50ScrapeMs: 200,
      p95ScrapeMs: 400,
      items: 120,
      errors: 1,
    });
  });

  it("reads daily summary rows from {items}", () => {
    const rows = listOf({
      items: [{ source: "a", date: "2026-01-02", totalScrapes: 3, successfulScrapes: 2, totalItems: 9 }],
    });
    expect(rows.map(toDailySummary)).toEqual([
      expect.objectContaining({ source: "a", date: "2026-01-02", totalScrapes: 3, totalItems: 9 }),
    ]);
  });
});
