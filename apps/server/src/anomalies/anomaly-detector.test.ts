import { seededRandom } from "@scrapewatch/db/testing";
import type { Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { AnomalyDetector } from "./anomaly-detector.ts";

function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

let n = 0;
function nav(durationMs: number, success = true): Metric {
  n += 1;
  return {
    id: `id${n}`,
    type: "navigation",
    source: "s",
    timestamp: "2026-01-01T00:00:00.000Z",
    url: "https://a.test/",
    durationMs: Math.max(0, Math.round(durationMs)),
    retryCount: 0,
    success,
    error: null,
  };
}

function scrape(durationMs: number, items: number, success = true): Metric {
  n += 1;
  return {
    id: `id${n}`,
    type: "scrape",
    source: "s",
    timestamp: "2026-01-01T00:00:00.000Z",
    url: "https://a.test/list",
    durationMs: Math.max(0, Math.round(durationMs)),
    itemsExtracted: Math.max(0, Math.round(items)),
    dataSize: 0,
    success,
    error: null,
  };
}

function detector(clock: { now: number }) {
  let ids = 0;
  return new AnomalyDetector({
    threshold: 3,
    minSamples: 20,
    cooldownMs: 60_000,
    now: () => clock.now,
    newId: () => `a${++ids}`,
  });
}

/** Steady traffic: navigations ~ N(800, 80), scrapes ~ N(2000, 300) with ~N(25, 4) items, 90 % success. */
function steadyBatch(random: () => number, size: number): Metric[] {
  return Array.from({ length: size }, (_, i) =>
    i % 2 === 0
      ? nav(800 + 80 * gaussian(random), random() < 0.9)
      : scrape(2000 + 300 * gaussian(random), 25 + 4 * gaussian(random), random() < 0.9),
  );
}

describe("AnomalyDetector", () => {
  it("stays quiet on steady noise, however the traffic is batched", () => {
    for (const [seed, size] of [
      [1, 1],
      [2, 2],
      [3, 10],
      [4, 100],
    ] as const) {
      const random = seededRandom(seed);
      const clock = { now: 0 };
      const d = detector(clock);
      const found = [];
      for (let i = 0; i < 3_000; i++) {
        clock.now += 1_000;
        found.push(...d.observe({ source: "s", metrics: steadyBatch(random, size) }));
      }
      expect(found, `seed ${seed}, batches of ${size}`).toEqual([]);
    }
  });

  it("flags a spike of navigation duration with its baseline, score and direction", () => {
    const random = seededRandom(5);
    const clock = { now: 0 };
    const d = detector(clock);
    for (let i = 0; i < 50; i++) d.observe({ source: "s", metrics: steadyBatch(random, 4) });
    clock.now = 1_700_000_000_000;
    const [anomaly, ...rest] = d.observe({ source: "s", metrics: [nav(8_000), nav(9_000), nav(7_500)] });
    expect(rest).toEqual([]);
    expect(anomaly).toMatchObject({
      id: "a1",
      source: "s",
      metric: "navigationDuration",
      value: 8_000,
      direction: "spike",
      detectedAt: new Date(clock.now).toISOString(),
    });
    expect(anomaly?.baseline).toBeGreaterThan(700);
    expect(anomaly?.baseline).toBeLessThan(900);
    expect(anomaly?.deviationScore).toBeGreaterThan(3);
  });

  it("flags a drop in items extracted and in success rate", () => {
    const random = seededRandom(6);
    const clock = { now: 0 };
    const d = detector(clock);
    for (let i = 0; i < 100; i++) d.observe({ source: "s", metrics: steadyBatch(random, 10) });
    const items = d.observe({ source: "s", metrics: [scrape(2000, 0), scrape(2100, 1), scrape(1900, 0)] });
    expect(items.map((a) => [a.metric, a.direction])).toEqual([["itemsExtracted", "drop"]]);
    const failures = d.observe({ source: "s", metrics: Array.from({ length: 40 }, () => nav(800, false)) });
    expect(failures.map((a) => [a.metric, a.direction])).toEqual([["successRate", "drop"]]);
    expect(failures[0]?.value).toBeLessThan(0.5);
    expect(failures[0]?.baseline).toBeGreaterThan(0.8);
  });

  it("flags a rise in the block rate (and the failures it causes), never a fall", () => {
    const random = seededRandom(7);
    const d = detector({ now: 0 });
    for (let i = 0; i < 100; i++) d.observe({ source: "s", metrics: steadyBatch(random, 10) });
    const blocked = Array.from({ length: 40 }, () => ({ ...nav(800, false), blocked: true }));
    const found = d.observe({ source: "s", metrics: blocked });
    expect(found.map((a) => [a.metric, a.direction])).toEqual([
      ["successRate", "drop"],
      ["blockRate", "spike"],
    ]);
    expect(found[1]?.value).toBeGreaterThan(0.9);
    expect(found[1]?.baseline).toBeLessThan(0.1);
  });

  it("needs the minimum number of samples before judging", () => {
    const clock = { now: 0 };
    const d = detector(clock);
    for (let i = 0; i < 19; i++) d.observe({ source: "s", metrics: [nav(100)] });
    expect(d.observe({ source: "s", metrics: [nav(100_000)] })).toEqual([]);
  });

  it("keeps one incident to one anomaly per cooldown, per source and metric", () => {
    const random = seededRandom(7);
    const clock = { now: 0 };
    const d = detector(clock);
    for (let i = 0; i < 50; i++) {
      d.observe({ source: "s", metrics: steadyBatch(random, 4) });
      d.observe({ source: "t", metrics: steadyBatch(random, 4) });
    }
    const spike = () => [nav(9_000), nav(9_500), nav(9_900)];
    const found = [];
    for (let i = 0; i < 10; i++) {
      clock.now += 1_000;
      found.push(...d.observe({ source: "s", metrics: spike() }));
    }
    found.push(...d.observe({ source: "t", metrics: spike() }));
    expect(found.map((a) => a.source)).toEqual(["s", "t"]);
    clock.now += 60_000;
    // Still far off after the cooldown: a lasting incident reports again, once.
    expect(d.observe({ source: "s", metrics: [nav(50_000)] })).toHaveLength(1);
  });
});

describe("AnomalyDetector under a flood of new sources", () => {
  it("keeps a real source's baselines when thousands of new sources arrive", () => {
    const random = seededRandom(9);
    const clock = { now: 0 };
    const d = new AnomalyDetector({
      threshold: 3,
      minSamples: 20,
      maxSources: 100,
      now: () => clock.now,
      newId: () => "a",
    });
    for (let i = 0; i < 50; i++) d.observe({ source: "real", metrics: steadyBatch(random, 4) });
    for (let i = 0; i < 5_000; i++) d.observe({ source: `flood-${i}`, metrics: [nav(800)] });
    expect(d.size).toBeLessThanOrEqual(100);
    const found = d.observe({ source: "real", metrics: [nav(8_000), nav(9_000), nav(7_500)] });
    expect(found.map((a) => a.metric)).toEqual(["navigationDuration"]);
  });
});
