import { describe, expect, it } from "vitest";
import { HORIZON_MS, LiveStore, POINTS_PER_SERIES } from "./live-store.ts";
import type { LiveEvent } from "./types.ts";

const T0 = 1_750_000_000_000;
let n = 0;

function scrape(
  source: string,
  at: number,
  fields: Partial<{ durationMs: number; items: number; success: boolean }> = {},
): LiveEvent {
  n += 1;
  return {
    id: `e${n}`,
    cursor: `${at}-0-${n}`,
    type: "scrape",
    source,
    url: "https://example.test/",
    durationMs: fields.durationMs ?? 100,
    itemsExtracted: fields.items ?? 1,
    dataSize: 0,
    success: fields.success ?? true,
    error: fields.success === false ? "boom" : null,
    timestamp: new Date(at).toISOString(),
  };
}

function navigation(
  source: string,
  at: number,
  fields: Partial<{ statusCode: number | null; blocked: boolean; blockReason: string }> = {},
): LiveEvent {
  n += 1;
  const blocked = fields.blocked ?? false;
  return {
    id: `e${n}`,
    cursor: `${at}-0-${n}`,
    type: "navigation",
    source,
    url: "https://example.test/",
    durationMs: 200,
    success: !blocked,
    retryCount: 0,
    error: blocked ? "blocked" : null,
    timestamp: new Date(at).toISOString(),
    statusCode: fields.statusCode === undefined ? 200 : fields.statusCode,
    blocked,
    blockReason: fields.blockReason ?? null,
    proxy: null,
    bytes: null,
  };
}

function manualFrames() {
  const queue: Array<() => void> = [];
  return {
    schedule: (cb: () => void) => queue.push(cb),
    run: () => {
      for (const cb of queue.splice(0)) cb();
    },
    get pending() {
      return queue.length;
    },
  };
}

describe("LiveStore", () => {
  it("tells readers once per frame however many batches arrived", () => {
    const frames = manualFrames();
    let clock = T0;
    const store = new LiveStore(frames.schedule, () => clock);
    let notified = 0;
    store.subscribe(() => {
      notified += 1;
    });
    for (let i = 0; i < 50; i += 1) store.ingest([scrape("a", clock)]);
    expect(frames.pending).toBe(1);
    frames.run();
    expect(notified).toBe(1);
    expect(store.version).toBe(1);
    clock += 10;
    store.ingest([scrape("a", clock)]);
    frames.run();
    expect(notified).toBe(2);
  });

  it("keeps a fixed number of points per series whatever the rate and window", () => {
    const clock = T0;
    const store = new LiveStore(
      () => {},
      () => clock,
    );
    const events = Array.from({ length: 5000 }, (_, i) => scrape("a", clock - (i % 3600) * 1000));
    store.ingest(events);
    for (const window of [5, 15, 60]) {
      expect(store.series("a", window * 60_000)).toHaveLength(POINTS_PER_SERIES);
    }
    const buckets = store.get("a")?.buckets.length ?? 0;
    expect(buckets).toBeLessThanOrEqual(HORIZON_MS / 5000 + 2);
  });

  it("averages durations per step and sums items", () => {
    const clock = T0;
    const store = new LiveStore(
      () => {},
      () => clock,
    );
    store.ingest([
      scrape("a", clock - 1000, { durationMs: 100, items: 2 }),
      scrape("a", clock - 900, { durationMs: 300, items: 3 }),
    ]);
    const last = store.series("a", 5 * 60_000).filter((p) => p.scrapeMs !== null);
    expect(last).toEqual([expect.objectContaining({ scrapeMs: 200, items: 5, navigationMs: null })]);
  });

  it("computes the card figures over the last minutes", () => {
    const clock = T0;
    const store = new LiveStore(
      () => {},
      () => clock,
    );
    store.ingest([
      scrape("a", clock - 10_000, { items: 10 }),
      scrape("a", clock - 5_000, { items: 20, success: false }),
      scrape("a", clock - 20 * 60_000, { items: 1000 }),
    ]);
    expect(store.figures("a")).toMatchObject({ events: 2, successRate: 0.5, itemsPerMinute: 6, errors: 1 });
    expect(store.get("a")?.errors).toHaveLength(1);
    expect(store.get("a")?.lastScrapeMs).toBe(100);
  });

  it("lists each anomaly once, newest first", () => {
    const store = new LiveStore(() => {});
    const anomaly = {
      id: "x1",
      source: "a",
      metric: "scrapeDuration" as const,
      value: 9000,
      baseline: 100,
      deviationScore: 7,
      direction: "spike" as const,
      detectedAt: new Date(T0).toISOString(),
    };
    store.addAnomaly(anomaly);
    store.addAnomaly(anomaly);
    store.addAnomaly({ ...anomaly, id: "x2" });
    expect(store.anomalies.map((a) => a.id)).toEqual(["x2", "x1"]);
  });

  it("backfills history up to the live boundary into the charts only, once", () => {
    const clock = T0;
    const store = new LiveStore(
      () => {},
      () => clock,
    );
    const old = { ...scrape("h", clock - 60_000, { durationMs: 300 }), cursor: "100-1-0" };
    const newer = { ...scrape("h", clock - 30_000, { durationMs: 500 }), cursor: "100-2-0" };
    const afterBoundary = { ...scrape("h", clock - 1_000, { durationMs: 900 }), cursor: "100-3-0" };
    expect(store.backfill("h", [old, newer, afterBoundary], "100-2")).toBe(2);
    expect(store.backfill("h", [old, newer], "100-2")).toBe(0);
    const points = store.series("h", 5 * 60_000).filter((p) => p.scrapeMs !== null);
    expect(points.map((p) => p.scrapeMs)).toEqual([300, 500]);
    expect(store.get("h")?.received).toBe(0);
    expect(store.get("h")?.lastScrapeMs).toBeNull();
  });

  it("counts blocks and status classes for the cards and per minute for the health chart", () => {
    const clock = T0 - (T0 % 60_000) + 30_000; // half a minute into a minute
    const store = new LiveStore(
      () => {},
      () => clock,
    );
    store.ingest([
      navigation("a", clock - 60_000, { statusCode: 200 }),
      navigation("a", clock - 60_000, { statusCode: 403, blocked: true, blockReason: "http_403" }),
      navigation("a", clock - 1000, { statusCode: 200 }),
      navigation("a", clock - 1000, { statusCode: 301 }),
      navigation("a", clock - 1000, { statusCode: 503, blocked: true }),
      navigation("a", clock - 1000, { statusCode: null }),
      scrape("a", clock - 1000),
    ]);
    const figures = store.figures("a");
    expect(figures?.navigations).toBe(6);
    expect(figures?.blockRate).toBeCloseTo(2 / 6);
    expect(figures?.statusClasses).toEqual({ "2xx": 2, "3xx": 1, "4xx": 1, "5xx": 1 });

    const minutes = store.health("a", 5);
    expect(minutes).toHaveLength(5);
    expect(minutes.map((m) => m.t)).toEqual([4, 3, 2, 1, 0].map((k) => clock - 30_000 - k * 60_000));
    expect(minutes[3]).toMatchObject({ "2xx": 1, "4xx": 1, blockRate: 0.5 });
    expect(minutes[4]).toMatchObject({ "2xx": 1, "3xx": 1, "4xx": 0, "5xx": 1, blockRate: 0.25 });
    expect(minutes[0]?.blockRate).toBeNull();
    expect(store.health("unknown", 3).every((m) => m.blockRate === null && m["2xx"] === 0)).toBe(true);
  });
});
