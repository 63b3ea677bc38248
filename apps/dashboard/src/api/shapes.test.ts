import { type SourceFigures, SourcesResponse } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { toSourceOverview } from "./shapes.ts";

const figures = (count: number, successes: number, items: number, p50: number | null): SourceFigures => ({
  count,
  successes,
  successRate: count ? successes / count : null,
  items,
  p50DurationMs: p50,
  p95DurationMs: p50 === null ? null : p50 * 2,
});

describe("source card figures", () => {
  it("are read from a /api/v1/sources entry", () => {
    const body = SourcesResponse.parse({
      sources: [
        {
          source: "robinhood",
          kind: "scraper",
          lastSeen: "2026-01-01T00:00:00.000Z",
          lastHour: {
            navigation: figures(10, 9, 0, 800),
            scrape: figures(10, 10, 120, 200),
            scheduler: figures(0, 0, 0, null),
            health: {
              blockRate5m: 0.25,
              blockRate1h: 0.1,
              statusClasses: { "2xx": 9, "3xx": 0, "4xx": 1, "5xx": 0 },
              topBlockReasons: [{ reason: "captcha", count: 1 }],
            },
          },
        },
      ],
      windowStart: "2026-01-01T00:00:00.000Z",
      nextCursor: null,
    });
    expect(body.sources.map(toSourceOverview)).toEqual([
      {
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
        health: {
          blockRate5m: 0.25,
          blockRate1h: 0.1,
          statusClasses: { "2xx": 9, "3xx": 0, "4xx": 1, "5xx": 0 },
          topBlockReasons: [{ reason: "captcha", count: 1 }],
        },
      },
    ]);
  });
});
