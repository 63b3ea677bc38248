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
    expect(store.figures("a")).toEqual({ events: 2, successRate: 0.5, itemsPerMinute: 6, errors: 1 });
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
});
