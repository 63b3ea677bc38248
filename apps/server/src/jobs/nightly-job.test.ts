// The nightly job on both dialects: summarize, then retention that never deletes an unsummarized
// day and keeps nothing too long; one runner at a time.
import {
  DailySummaryStore,
  type Database,
  DeliveryOutbox,
  IncidentStore,
  MetricStore,
  type StoredEvent,
} from "@scrapewatch/db";
import { createTestDatabase, DIALECTS, holdLockElsewhere, type TestDatabase } from "@scrapewatch/db/testing";
import { type Metric, positionKey } from "@scrapewatch/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uniqueSource } from "../../test/factories.ts";
import { createLogger } from "../logger.ts";
import { NIGHTLY_LOCK, runNightlyJob } from "./nightly-job.ts";

const logger = createLogger("silent");
let seq = 0;

function event(source: string, timestamp: string, durationMs = 100): StoredEvent {
  seq += 1;
  const metric: Metric = {
    id: `N${String(seq).padStart(12, "0")}${Math.random().toString(36).slice(2, 12)}`.slice(0, 26),
    type: "navigation",
    source,
    timestamp,
    url: "https://a.test/",
    durationMs,
    retryCount: 0,
    success: true,
    error: null,
  };
  return { metric, position: positionKey({ ms: Date.parse(timestamp), seq, index: 0 }) };
}

async function timestamps(database: Database, source: string): Promise<string[]> {
  const rows = await new MetricStore(database).read({ sources: [source], limit: 10_000 });
  return rows.map((row) => row.metric.timestamp).sort();
}

describe.each(DIALECTS)("nightly job on %s", (dialect) => {
  let testDb: TestDatabase;
  let store: MetricStore;
  beforeEach(async () => {
    testDb = await createTestDatabase(dialect);
    store = new MetricStore(testDb.database);
  });
  afterEach(async () => testDb.drop());

  const now = new Date("2025-06-20T02:00:00.000Z");

  it("visits only the days that have rows, however far back a stray row is", async () => {
    const source = uniqueSource();
    await store.insert([
      event(source, "1990-01-01T00:00:00.000Z"),
      event(source, "2025-06-11T10:00:00.000Z"),
    ]);
    // Counted at the database's own entry point: the old walk made two queries per calendar day.
    const database = testDb.database;
    const all = database.all.bind(database);
    let queries = 0;
    database.all = ((query) => {
      queries += 1;
      return all(query);
    }) as typeof database.all;
    const report = await runNightlyJob({ database, logger, retentionDays: 7, now });
    database.all = all;
    expect(report.summarized.map((day) => day.date).sort()).toEqual([
      "1990-01-01",
      "2025-06-11",
      "2025-06-19",
    ]);
    expect(report.deleted).toBe(2);
    expect(queries).toBeLessThan(60);
  });

  it("summarizes yesterday, summarizes old unsummarized days first, then deletes only past retention", async () => {
    const source = uniqueSource();
    await store.insert([
      event(source, "2025-06-10T12:00:00.000Z", 10),
      event(source, "2025-06-10T13:00:00.000Z", 30),
      event(source, "2025-06-12T23:59:59.999Z"),
      event(source, "2025-06-13T00:00:00.000Z"),
      event(source, "2025-06-19T08:00:00.000Z", 70),
      event(source, "2025-06-20T01:00:00.000Z"),
    ]);

    const report = await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });

    expect(report).toMatchObject({ ran: true, cutoff: "2025-06-13", deleted: 3 });
    expect(report.summarized.map((day) => day.date).sort()).toEqual([
      "2025-06-10",
      "2025-06-12",
      "2025-06-19",
    ]);
    // Today and seven full days are kept; everything before the cutoff midnight is gone.
    expect(await timestamps(testDb.database, source)).toEqual([
      "2025-06-13T00:00:00.000Z",
      "2025-06-19T08:00:00.000Z",
      "2025-06-20T01:00:00.000Z",
    ]);
    const summaries = await new DailySummaryStore(testDb.database).scraperSummaries({ sources: [source] });
    expect(summaries.map((s) => [s.date, s.totalNavigations, s.avgNavigationMs])).toEqual([
      ["2025-06-10", 2, 20],
      ["2025-06-12", 1, 100],
      ["2025-06-19", 1, 70],
    ]);
  });

  it("deletes in chunks and keeps a day past retention from being re-summarized from partial rows", async () => {
    const source = uniqueSource();
    const old = Array.from({ length: 23 }, (_, i) =>
      event(source, new Date(Date.parse("2025-06-01T00:00:00.000Z") + i * 1000).toISOString()),
    );
    await store.insert(old);
    const first = await runNightlyJob({
      database: testDb.database,
      logger,
      retentionDays: 7,
      now,
      chunkSize: 5,
      pauseMs: 0,
    });
    expect(first.deleted).toBe(23);
    expect(await store.count([source])).toBe(0);

    const again = await runNightlyJob({
      database: testDb.database,
      logger,
      retentionDays: 7,
      now,
      date: "2025-06-01",
    });
    expect(again.summarized).toEqual([]);
    const [summary] = await new DailySummaryStore(testDb.database).scraperSummaries({ sources: [source] });
    expect(summary?.totalNavigations).toBe(23);
  });

  it("re-running gives the same summaries and deletes nothing more", async () => {
    const source = uniqueSource();
    await store.insert([
      event(source, "2025-06-19T10:00:00.000Z", 5),
      event(source, "2025-06-19T11:00:00.000Z", 15),
    ]);
    await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });
    const summaries = new DailySummaryStore(testDb.database);
    const before = await summaries.scraperSummaries({ sources: [source] });
    const second = await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });
    expect(second.deleted).toBe(0);
    expect(await summaries.scraperSummaries({ sources: [source] })).toEqual(before);
    expect(await store.count([source])).toBe(2);
  });

  it("does nothing while another process holds the nightly lock", async () => {
    const source = uniqueSource();
    await store.insert([event(source, "2025-06-01T10:00:00.000Z")]);
    const release = await holdLockElsewhere(testDb, NIGHTLY_LOCK);
    try {
      const report = await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });
      expect(report.ran).toBe(false);
      expect(await store.count([source])).toBe(1);
    } finally {
      await release();
    }
    const report = await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });
    expect(report.ran).toBe(true);
    expect(await store.count([source])).toBe(0);
  });

  it("lets only one of two concurrent runs do the work", async () => {
    const reports = await Promise.all([
      runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now }),
      runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now }),
    ]);
    expect(reports.map((r) => r.ran).sort()).toEqual([false, true]);
  });

  it("deletes incidents resolved over 90 days ago with their finished deliveries, never an open one", async () => {
    const incidents = new IncidentStore(testDb.database);
    const outbox = new DeliveryOutbox(testDb.database);
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const source = uniqueSource();
    const stored = async (id: string, openedDaysAgo: number, resolvedDaysAgo: number | null) => {
      await incidents.open({
        id,
        source,
        kind: "silence",
        key: id,
        state: "open",
        openedAt: days(openedDaysAgo),
        resolvedAt: null,
        summary: "silent",
        details: {},
        silenced: false,
      });
      if (resolvedDaysAgo !== null) await incidents.resolve(id, days(resolvedDaysAgo));
      await outbox.insert([
        {
          id: `D${id}`,
          incidentId: id,
          source,
          kind: "silence",
          channel: "ops",
          type: "incident.opened",
          status: "suppressed",
          payload: "{}",
          createdAt: days(openedDaysAgo),
        },
      ]);
    };
    await stored("01OLDRESOLVED000000000000", 120, 100);
    await stored("01RECENTRESOLVED000000000", 120, 30);
    await stored("01STILLOPEN00000000000000", 200, null);

    const report = await runNightlyJob({ database: testDb.database, logger, retentionDays: 7, now });
    expect(report).toMatchObject({ deletedIncidents: 1, deletedDeliveries: 1 });
    expect(await incidents.get("01OLDRESOLVED000000000000")).toBeNull();
    expect(await incidents.get("01RECENTRESOLVED000000000")).not.toBeNull();
    expect(await incidents.get("01STILLOPEN00000000000000")).not.toBeNull();
    expect(await outbox.get("D01OLDRESOLVED000000000000")).toBeNull();
    // Created 120 days ago and finished, but their incidents are still kept: they stay listed.
    expect(await outbox.get("D01RECENTRESOLVED000000000")).not.toBeNull();
    expect(await outbox.get("D01STILLOPEN00000000000000")).not.toBeNull();
  });
});
