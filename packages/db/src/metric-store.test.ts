// The storage contract: the same suite runs against the embedded SQLite and a real MariaDB.
import type { Metric } from "@scrapewatch/protocol";
import { positionKey } from "@scrapewatch/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventId, navigation, stored, uniqueSource } from "../test/factories.ts";
import { isDataError } from "./errors.ts";
import { MetricStore } from "./metric-store.ts";
import { createTestDatabase, DIALECTS, type TestDatabase } from "./testing.ts";

describe.each(DIALECTS)("MetricStore on %s", (dialect) => {
  let testDb: TestDatabase;
  let store: MetricStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(dialect);
    store = new MetricStore(testDb.database);
  });
  afterAll(async () => testDb.drop());

  it("stores all three kinds and reads them back field for field", async () => {
    const source = uniqueSource();
    const ts = "2026-01-02T03:04:05.678Z";
    const metrics: Metric[] = [
      {
        id: eventId(),
        type: "navigation",
        source,
        timestamp: ts,
        url: "https://a.test/x",
        durationMs: 1234,
        retryCount: 2,
        success: false,
        error: "Timeout 30000ms exceeded",
        statusCode: 503,
        blocked: true,
        blockReason: "http_503",
        proxy: "dc-1.proxy.test:8080",
        bytes: 5_000_000_000,
      },
      {
        id: eventId(),
        type: "scrape",
        source,
        timestamp: ts,
        url: "https://a.test/y",
        durationMs: 50,
        itemsExtracted: 17,
        dataSize: 4_000_000_000,
        success: true,
        error: null,
        proxy: "dc-1.proxy.test:8080",
      },
      {
        id: eventId(),
        type: "scheduler",
        source,
        timestamp: ts,
        durationMs: 86_399_999,
        itemsProcessed: 9,
        success: true,
        error: null,
        state: "finished",
      },
      {
        id: eventId(),
        type: "scheduler",
        source,
        timestamp: ts,
        durationMs: 0,
        itemsProcessed: 0,
        success: true,
        error: null,
        runId: "run-1",
        state: "started",
      },
    ];
    await store.insert(metrics.map((m, i) => stored(m, 1_000, 1, i)));
    const back = await store.read({ sources: [source], limit: 10 });
    expect(back.map((e) => e.metric)).toEqual(metrics);
    expect(back.map((e) => e.position)).toEqual(
      [0, 1, 2, 3].map((index) => positionKey({ ms: 1_000, seq: 1, index })),
    );
  });

  it("reads a navigation without health values as unblocked, with nulls", async () => {
    const source = uniqueSource();
    await store.insert([stored(navigation(source), 1_500, 1, 0)]);
    const [back] = await store.read({ sources: [source], limit: 1 });
    expect(back?.metric).toMatchObject({
      statusCode: null,
      blocked: false,
      blockReason: null,
      proxy: null,
      bytes: null,
    });
  });

  it("ignores a retried write of the same ids instead of duplicating rows", async () => {
    const source = uniqueSource();
    const events = Array.from({ length: 5 }, (_, i) => stored(navigation(source), 2_000, 1, i));
    await store.insert(events);
    await store.insert(events);
    await store.insert(events.slice(2));
    expect(await store.count([source])).toBe(5);
  });

  it("reads in position order across both tables, after a cursor, with a limit", async () => {
    const source = uniqueSource();
    const events = [
      stored(navigation(source), 3_000, 2, 0),
      stored(
        { ...navigation(source), type: "scheduler", itemsProcessed: 1 } as unknown as Metric,
        3_000,
        1,
        0,
      ),
      stored(navigation(source), 3_000, 1, 1),
      stored(navigation(source), 3_001, 0, 0),
    ];
    // Drop the url the scheduler copy inherited from the navigation factory.
    const scheduler = events[1]?.metric as unknown as Record<string, unknown>;
    delete scheduler.url;
    delete scheduler.retryCount;
    await store.insert(events);
    const all = await store.read({ sources: [source], limit: 100 });
    expect(all.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort());
    const afterBatch = await store.read({
      sources: [source],
      afterKey: positionKey({ ms: 3_000, seq: 1 }),
      limit: 100,
    });
    expect(afterBatch.map((e) => e.position)).toEqual([
      positionKey({ ms: 3_000, seq: 2, index: 0 }),
      positionKey({ ms: 3_001, seq: 0, index: 0 }),
    ]);
    const afterEvent = await store.read({
      sources: [source],
      afterKey: positionKey({ ms: 3_000, seq: 1, index: 0 }),
      limit: 1,
    });
    expect(afterEvent.map((e) => e.position)).toEqual([positionKey({ ms: 3_000, seq: 1, index: 1 })]);
    const onlyScheduler = await store.read({ sources: [source], type: "scheduler", limit: 100 });
    expect(onlyScheduler).toHaveLength(1);
  });

  it("filters by source, type and time window", async () => {
    const a = uniqueSource();
    const b = uniqueSource();
    await store.insert([
      stored(navigation(a, { timestamp: "2026-03-01T00:00:00.000Z" }), 4_000, 1, 0),
      stored(navigation(a, { timestamp: "2026-03-02T00:00:00.000Z" }), 4_000, 1, 1),
      stored(navigation(b, { timestamp: "2026-03-01T12:00:00.000Z" }), 4_000, 2, 0),
    ]);
    const day1 = await store.read({
      sources: [a, b],
      from: new Date("2026-03-01T00:00:00Z"),
      to: new Date("2026-03-02T00:00:00Z"),
      limit: 10,
    });
    expect(day1.map((e) => e.metric.source).sort()).toEqual([a, b].sort());
    expect(await store.read({ sources: [a], type: "scrape", limit: 10 })).toEqual([]);
  });

  it("writes thousands of rows in chunks within the dialect's limits", async () => {
    const source = uniqueSource();
    const events = Array.from({ length: 6_000 }, (_, i) =>
      stored(navigation(source, { error: "x".repeat(300) }), 5_000, Math.floor(i / 100), i % 100),
    );
    await store.insert(events);
    expect(await store.count([source])).toBe(6_000);
  });

  it("reports the newest and oldest positions", async () => {
    const newest = await store.newestPosition();
    const oldest = await store.oldestPosition();
    expect(newest).not.toBeNull();
    expect(oldest).not.toBeNull();
    expect((oldest ?? "") <= (newest ?? "")).toBe(true);
  });

  it("classifies a row the database refuses as a data error", async () => {
    const source = uniqueSource();
    const tooLong = navigation(source, { source: "s".repeat(300) });
    const error = await store.insert([stored(tooLong, 6_000, 1, 0)]).then(
      () => null,
      (e: unknown) => e,
    );
    // SQLite does not enforce lengths: there the row is stored as given.
    const refused = { mysql: true, sqlite: false }[dialect];
    expect(error !== null).toBe(refused);
    expect(isDataError(error, dialect)).toBe(refused);
    expect(testDb.database.isDataError(error)).toBe(refused);
  });
});
