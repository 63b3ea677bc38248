// Daily summaries count blocked navigations and navigations per status class (SPEC 15), and
// computing a day again gives the same row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigation, stored, uniqueSource } from "../test/factories.ts";
import { DailySummaryStore } from "./daily-summary.ts";
import { MetricStore } from "./metric-store.ts";
import { createTestDatabase, DIALECTS, type TestDatabase } from "./testing.ts";
import { dayStart } from "./utc-days.ts";

const DAY = "2025-04-02";

describe.each(DIALECTS)("daily scraper health on %s", (dialect) => {
  let testDb: TestDatabase;
  let summaries: DailySummaryStore;
  let store: MetricStore;
  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    summaries = new DailySummaryStore(testDb.database);
    store = new MetricStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

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
