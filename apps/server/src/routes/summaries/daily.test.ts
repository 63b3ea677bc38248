import type { Metric } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "../../../test/factories.ts";
import { startTestServer, type TestServer } from "../../../test/test-server.ts";

describe.each(["sqlite", "mysql"] as const)("GET /api/v1/summaries on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server.stop());

  it("answers the nightly roll-ups of scrapers and schedulers for a date range", async () => {
    const scraper = uniqueSource();
    const scheduler = uniqueSource("job");
    const day = "2025-02-03";
    const metrics: Metric[] = [
      {
        id: "",
        type: "navigation",
        source: scraper,
        timestamp: `${day}T01:00:00.000Z`,
        url: "https://a.test/",
        durationMs: 100,
        retryCount: 1,
        success: true,
        error: null,
      },
      {
        id: "",
        type: "navigation",
        source: scraper,
        timestamp: `${day}T02:00:00.000Z`,
        url: "https://a.test/",
        durationMs: 300,
        retryCount: 0,
        success: false,
        error: "x",
      },
      {
        id: "",
        type: "scrape",
        source: scraper,
        timestamp: `${day}T03:00:00.000Z`,
        url: "https://a.test/",
        durationMs: 2000,
        itemsExtracted: 9,
        dataSize: 1,
        success: true,
        error: null,
      },
      {
        id: "",
        type: "scheduler",
        source: scheduler,
        timestamp: `${day}T04:00:00.000Z`,
        durationMs: 60_000,
        itemsProcessed: 40,
        success: true,
        error: null,
      },
    ];
    await server.services.store.insert(
      metrics.map((metric, index) => ({
        metric: { ...metric, id: `S${index}${scraper}`.padEnd(26, "0").slice(0, 26) },
        position: `000000000000002-0000000000-0000${index}`,
      })),
    );
    const report = await server.services.history.runNightly(day);
    expect(report.ran).toBe(true);

    const daily = await fetch(`${server.url}/api/v1/summaries/daily?source=${scraper}&from=${day}&to=${day}`);
    expect(daily.status).toBe(200);
    expect(((await daily.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        source: scraper,
        date: day,
        totalNavigations: 2,
        successfulNavigations: 1,
        totalScrapes: 1,
        successfulScrapes: 1,
        avgNavigationMs: 200,
        minNavigationMs: 100,
        maxNavigationMs: 300,
        p50NavigationMs: 100,
        p99NavigationMs: 300,
        avgRetries: 0.5,
        totalItems: 9,
        avgItems: 9,
      }),
    ]);
    const runs = await fetch(`${server.url}/api/v1/summaries/scheduler?source=${scheduler}`);
    expect(((await runs.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        source: scheduler,
        date: day,
        totalRuns: 1,
        p95DurationMs: 60_000,
        totalItems: 40,
      }),
    ]);
    const none = await fetch(`${server.url}/api/v1/summaries/daily?source=${scraper}&from=2025-02-04`);
    expect(((await none.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("answers 400 for a malformed date", async () => {
    const response = await fetch(`${server.url}/api/v1/summaries/daily?from=03/02/2025`);
    expect(response.status).toBe(400);
  });

  it("answers 400 for impossible dates and times on every route that reads one", async () => {
    for (const query of [
      "/api/v1/summaries/daily?from=2026-02-30",
      "/api/v1/summaries/scheduler?to=2025-04-31",
      "/api/v1/metrics?from=2026-02-30T00:00:00Z",
      "/api/v1/metrics/export?to=2026-02-29",
      "/api/v1/anomalies?since=2026-02-30",
    ]) {
      const response = await fetch(`${server.url}${query}`);
      expect(response.status, query).toBe(400);
      await response.body?.cancel();
    }
    const leapDay = await fetch(`${server.url}/api/v1/summaries/daily?from=2028-02-29`);
    expect(leapDay.status).toBe(200);
  });
});
