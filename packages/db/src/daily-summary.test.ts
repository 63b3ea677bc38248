// Daily roll-ups on both dialects, checked against figures computed here from the same rows,
// and the scraper-health counts: blocked navigations and navigations per status class (SPEC 15).
import type { Metric } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, navigation, stored, uniqueSource } from "../test/factories.ts";
import { mean, nearestRank } from "../test/statistics.ts";
import { DailySummaryStore } from "./daily-summary.ts";
import { MetricStore, type StoredEvent } from "./metric-store.ts";
import { createTestDatabase, DIALECTS, seededRandom, type TestDatabase } from "./testing.ts";
import { dayStart } from "./utc-days.ts";

const DAY = "2025-03-10";

function dayOfEvents(source: string, scheduler: string, seed: number): Metric[] {
  const random = seededRandom(seed);
  const start = dayStart(DAY).getTime();
  const at = () => new Date(start + Math.floor(random() * 86_400_000)).toISOString();
  const int = (max: number) => Math.floor(random() * max);
  const metrics: Metric[] = [];
  for (let i = 0; i < 237; i++) {
    metrics.push({
      id: eventId(),
      type: "navigation",
      source,
      timestamp: at(),
      url: "https://a.test/",
      durationMs: 50 + int(5000),
      retryCount: int(4),
      success: random() < 0.9,
      error: null,
    });
  }
  for (let i = 0; i < 113; i++) {
    metrics.push({
      id: eventId(),
      type: "scrape",
      source,
      timestamp: at(),
      url: "https://a.test/list",
      durationMs: int(20_000),
      itemsExtracted: int(51),
      dataSize: int(10_000),
      success: random() < 0.8,
      error: null,
    });
  }
  for (let i = 0; i < 41; i++) {
    metrics.push({
      id: eventId(),
      type: "scheduler",
      source: scheduler,
      timestamp: at(),
      durationMs: 1000 + int(100_000),
      itemsProcessed: int(300),
      success: random() < 0.7,
      error: null,
    });
  }
  return metrics;
}

function positioned(metrics: Metric[], ms: number): StoredEvent[] {
  return metrics.map((metric, index) => stored(metric, ms, 0, index));
}

function durations(metrics: Metric[], type: Metric["type"]): number[] {
  return metrics.filter((m) => m.type === type).map((m) => m.durationMs ?? 0);
}

describe.each(DIALECTS)("daily summaries on %s", (dialect) => {
  let testDb: TestDatabase;
  let summaries: DailySummaryStore;
  let store: MetricStore;
  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    summaries = new DailySummaryStore(testDb.database);
    store = new MetricStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("computes every figure of a day as computed independently from the same rows", async () => {
    const source = uniqueSource("scraper");
    const scheduler = uniqueSource("scheduler");
    const metrics = dayOfEvents(source, scheduler, 42);
    // Rows a millisecond outside the day on either side must not count.
    const before = new Date(dayStart(DAY).getTime() - 1).toISOString();
    const after = new Date(dayStart(DAY).getTime() + 86_400_000).toISOString();
    const outside: Metric[] = [before, after].map((timestamp) => ({
      id: eventId(),
      type: "navigation",
      source,
      timestamp,
      url: "https://a.test/",
      durationMs: 999_999,
      retryCount: 9,
      success: true,
      error: null,
    }));
    await store.insert(positioned([...metrics, ...outside], 1_000));

    await summaries.summarizeDay(DAY);

    const [row] = await summaries.scraperSummaries({ sources: [source] });
    const navs = metrics.filter((m) => m.type === "navigation");
    const scrapes = metrics.filter((m) => m.type === "scrape");
    const nav = durations(metrics, "navigation");
    const scr = durations(metrics, "scrape");
    const items = scrapes.map((m) => (m.type === "scrape" ? m.itemsExtracted : 0));
    const retries = navs.map((m) => (m.type === "navigation" ? m.retryCount : 0));
    expect(row).toMatchObject({
      source,
      date: DAY,
      totalNavigations: 237,
      successfulNavigations: navs.filter((m) => m.success).length,
      totalScrapes: 113,
      successfulScrapes: scrapes.filter((m) => m.success).length,
      minNavigationMs: Math.min(...nav),
      maxNavigationMs: Math.max(...nav),
      p50NavigationMs: nearestRank(nav, 50),
      p95NavigationMs: nearestRank(nav, 95),
      p99NavigationMs: nearestRank(nav, 99),
      minScrapeMs: Math.min(...scr),
      maxScrapeMs: Math.max(...scr),
      p50ScrapeMs: nearestRank(scr, 50),
      p95ScrapeMs: nearestRank(scr, 95),
      p99ScrapeMs: nearestRank(scr, 99),
      totalItems: items.reduce((a, b) => a + b, 0),
    });
    expect(row?.avgNavigationMs).toBeCloseTo(mean(nav) ?? Number.NaN, 6);
    expect(row?.avgScrapeMs).toBeCloseTo(mean(scr) ?? Number.NaN, 6);
    expect(row?.avgRetries).toBeCloseTo(mean(retries) ?? Number.NaN, 6);
    expect(row?.avgItems).toBeCloseTo(mean(items) ?? Number.NaN, 6);

    const [runs] = await summaries.schedulerSummaries({ sources: [scheduler] });
    const jobs = metrics.filter((m) => m.type === "scheduler");
    const sched = durations(metrics, "scheduler");
    const processed = jobs.map((m) => (m.type === "scheduler" ? m.itemsProcessed : 0));
    expect(runs).toMatchObject({
      source: scheduler,
      date: DAY,
      totalRuns: 41,
      successfulRuns: jobs.filter((m) => m.success).length,
      minDurationMs: Math.min(...sched),
      maxDurationMs: Math.max(...sched),
      p50DurationMs: nearestRank(sched, 50),
      p95DurationMs: nearestRank(sched, 95),
      p99DurationMs: nearestRank(sched, 99),
      totalItems: processed.reduce((a, b) => a + b, 0),
    });
    expect(runs?.avgDurationMs).toBeCloseTo(mean(sched) ?? Number.NaN, 6);
    expect(runs?.avgItems).toBeCloseTo(mean(processed) ?? Number.NaN, 6);
  });

  it("gives the same rows when a day is computed twice", async () => {
    const source = uniqueSource("scraper");
    const scheduler = uniqueSource("scheduler");
    await store.insert(positioned(dayOfEvents(source, scheduler, 7), 2_000));
    await summaries.summarizeDay(DAY);
    const first = await summaries.scraperSummaries({ sources: [source] });
    const firstRuns = await summaries.schedulerSummaries({ sources: [scheduler] });
    await summaries.summarizeDay(DAY);
    expect(await summaries.scraperSummaries({ sources: [source] })).toEqual(first);
    expect(await summaries.schedulerSummaries({ sources: [scheduler] })).toEqual(firstRuns);
    expect(first).toHaveLength(1);
    expect(await summaries.summarizedDates(DAY, DAY)).toEqual(new Set([DAY]));
  });

  it("uses nearest-rank percentiles: small samples pick actual values", async () => {
    const source = uniqueSource("scraper");
    const values = [10, 20, 30, 40];
    const base = dayStart(DAY).getTime() + 3_600_000;
    await store.insert(
      positioned(
        values.map((durationMs, i) => ({
          id: eventId(),
          type: "navigation",
          source,
          timestamp: new Date(base + i).toISOString(),
          url: "https://a.test/",
          durationMs,
          retryCount: 0,
          success: true,
          error: null,
        })),
        3_000,
      ),
    );
    await summaries.summarizeDay(DAY);
    const [row] = await summaries.scraperSummaries({ sources: [source] });
    // ranks ceil(0.5·4)=2, ceil(0.95·4)=4, ceil(0.99·4)=4
    expect(row).toMatchObject({ p50NavigationMs: 20, p95NavigationMs: 40, p99NavigationMs: 40 });
    expect(row).toMatchObject({ totalScrapes: 0, avgScrapeMs: null, p50ScrapeMs: null, totalItems: 0 });
  });

  it("counts a run by its finished event, never by its start", async () => {
    const job = uniqueSource("scheduler");
    const base = dayStart(DAY).getTime() + 7_200_000;
    const event = (offset: number, fields: Record<string, unknown>) =>
      ({
        id: eventId(),
        type: "scheduler",
        source: job,
        timestamp: new Date(base + offset).toISOString(),
        itemsProcessed: 0,
        error: null,
        ...fields,
      }) as Metric;
    await store.insert(
      positioned(
        [
          event(0, { state: "started", runId: "r1", durationMs: 0, success: true }),
          event(5_000, { state: "finished", runId: "r1", durationMs: 5_000, success: false }),
          event(9_000, { state: "started", runId: "r2", durationMs: 0, success: true }),
        ],
        4_000,
      ),
    );
    await summaries.summarizeDay(DAY);
    const [row] = await summaries.schedulerSummaries({ sources: [job] });
    expect(row).toMatchObject({ totalRuns: 1, successfulRuns: 0, minDurationMs: 5_000 });
  });

  it("counts blocked navigations and each status class, the same when computed twice", async () => {
    const source = uniqueSource();
    const noon = new Date(dayStart(DAY).getTime() + 12 * 3_600_000).toISOString();
    const statuses: [number | null, boolean][] = [
      [200, false],
      [200, false],
      [200, true], // a captcha answered 200
      [302, false],
      [403, true],
      [429, true],
      [404, false],
      [503, true],
      [null, false], // a navigation that never got an answer
    ];
    const metrics = statuses.map(([statusCode, blocked]) =>
      navigation(source, { timestamp: noon, statusCode, blocked, success: !blocked && statusCode !== null }),
    );
    await store.insert(metrics.map((metric, i) => stored(metric, 5_000, 0, i)));
    await summaries.summarizeDay(DAY);
    const [first] = await summaries.scraperSummaries({ sources: [source] });
    expect(first).toMatchObject({
      totalNavigations: 9,
      blockedNavigations: 4,
      status2xx: 3,
      status3xx: 1,
      status4xx: 3,
      status5xx: 1,
    });
    await summaries.summarizeDay(DAY);
    expect(await summaries.scraperSummaries({ sources: [source] })).toEqual([first]);
  });
});
