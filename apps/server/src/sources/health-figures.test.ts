import type { Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { LiveFigures } from "./live-figures.ts";

let seq = 0;
function navigation(statusCode: number | null, blockReason: string | null = null): Metric {
  seq += 1;
  return {
    id: `N${seq}`,
    type: "navigation",
    source: "shop",
    timestamp: new Date().toISOString(),
    url: "https://shop.test/",
    durationMs: 100,
    retryCount: 0,
    success: blockReason === null,
    error: null,
    statusCode,
    blocked: blockReason !== null,
    blockReason,
    proxy: null,
    bytes: null,
  };
}

describe("live health figures", () => {
  it("give block rates over 5 minutes and an hour, status classes and the top block reasons", () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const figures = new LiveFigures(() => now);
    // Ten minutes ago: 8 fine, 2 banned.
    figures.observe({
      source: "shop",
      metrics: [
        ...Array.from({ length: 8 }, () => navigation(200)),
        navigation(403, "http_403"),
        navigation(403, "http_403"),
      ],
    });
    now += 10 * 60_000;
    // Now: a captcha answered 200, a rate limit, a redirect, one without a status.
    figures.observe({
      source: "shop",
      metrics: [navigation(200, "captcha"), navigation(429, "http_429"), navigation(301), navigation(null)],
    });
    const { health } = figures.figures("shop");
    expect(health.blockRate5m).toBeCloseTo(2 / 4);
    expect(health.blockRate1h).toBeCloseTo(4 / 14);
    expect(health.statusClasses).toEqual({ "2xx": 9, "3xx": 1, "4xx": 3, "5xx": 0 });
    expect(health.topBlockReasons).toEqual([
      { reason: "http_403", count: 2 },
      { reason: "captcha", count: 1 },
      { reason: "http_429", count: 1 },
    ]);
    // An hour on, nothing is left in the window.
    now += 61 * 60_000;
    expect(figures.figures("shop").health).toMatchObject({
      blockRate5m: null,
      blockRate1h: null,
      topBlockReasons: [],
    });
  });
});
