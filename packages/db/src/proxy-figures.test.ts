import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigation, stored, uniqueSource } from "../test/factories.ts";
import { MetricStore } from "./metric-store.ts";
import { ProxyFigureStore } from "./proxy-figures.ts";
import { createTestDatabase, DIALECTS, type TestDatabase } from "./testing.ts";

describe.each(DIALECTS)("ProxyFigureStore on %s", (dialect) => {
  let testDb: TestDatabase;
  let store: MetricStore;
  let figures: ProxyFigureStore;
  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    store = new MetricStore(testDb.database);
    figures = new ProxyFigureStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("gives each proxy's navigations, success and block rates and duration percentiles in the window", async () => {
    const source = uniqueSource();
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const metrics = [
      // dc-1: 20 navigations of 10..200 ms, 5 of them blocked.
      ...Array.from({ length: 20 }, (_, i) =>
        navigation(source, {
          proxy: "dc-1:8080",
          durationMs: 10 * (i + 1),
          success: i >= 5,
          blocked: i < 5,
          blockReason: i < 5 ? "http_403" : null,
          timestamp: at(5),
        }),
      ),
      // dc-2: 2 fine navigations; one more two hours ago, outside the window.
      navigation(source, { proxy: "dc-2:8080", durationMs: 40, timestamp: at(1) }),
      navigation(source, { proxy: "dc-2:8080", durationMs: 60, timestamp: at(1) }),
      navigation(source, { proxy: "dc-2:8080", durationMs: 9_000, timestamp: at(120) }),
      // No proxy at all.
      navigation(source, { durationMs: 5, success: false, timestamp: at(2) }),
      // Another source's proxy is not counted.
      navigation(uniqueSource(), { proxy: "dc-1:8080", timestamp: at(1) }),
    ];
    await store.insert(metrics.map((metric, i) => stored(metric, now, 0, i)));
    const result = await figures.figures(source, new Date(now - 3_600_000));
    expect(result).toEqual([
      {
        proxy: "dc-1:8080",
        navigations: 20,
        successRate: 0.75,
        blockRate: 0.25,
        p50DurationMs: 100,
        p95DurationMs: 190,
      },
      {
        proxy: "dc-2:8080",
        navigations: 2,
        successRate: 1,
        blockRate: 0,
        p50DurationMs: 40,
        p95DurationMs: 60,
      },
      { proxy: null, navigations: 1, successRate: 0, blockRate: 0, p50DurationMs: 5, p95DurationMs: 5 },
    ]);
    expect(await figures.figures(uniqueSource(), new Date(now - 3_600_000))).toEqual([]);
  });
});
