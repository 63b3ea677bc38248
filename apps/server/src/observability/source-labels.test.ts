import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundedSourceCounts, OTHER_SOURCES } from "./source-labels.ts";

const asMap = (samples: { source: string; value: number }[]) =>
  new Map(samples.map((s) => [s.source, s.value]));

describe("BoundedSourceCounts", () => {
  it("gives the busiest sources a series each and sums the rest under _other", () => {
    const counts = new Map(Array.from({ length: 8 }, (_, i) => [`s${i}`, (i + 1) * 10]));
    const series = asMap(new BoundedSourceCounts(3).read(counts));
    expect([...series.keys()].sort()).toEqual(["_other", "s5", "s6", "s7"]);
    expect(series.get(OTHER_SOURCES)).toBe(10 + 20 + 30 + 40 + 50);
    expect([...series.values()].reduce((a, b) => a + b, 0)).toBe(360);
  });

  it("reports everything under _other with a limit of 0", () => {
    const series = new BoundedSourceCounts(0).read(new Map([["a", 3]]));
    expect(series).toEqual([{ source: OTHER_SOURCES, value: 3 }]);
  });

  it("never lets a series go down and keeps the total, as sources grow, leave and take freed labels", () => {
    const step = fc.record({
      source: fc.integer({ min: 0, max: 11 }),
      grow: fc.integer({ min: 0, max: 50 }),
      leave: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 60 }), (limit, steps) => {
        const bounded = new BoundedSourceCounts(limit);
        const counts = new Map<string, number>();
        let previous = new Map<string, number>();
        let departed = 0;
        for (const { source, grow, leave } of steps) {
          const name = `s${source}`;
          if (leave && counts.has(name)) {
            departed += counts.get(name) ?? 0;
            counts.delete(name);
          } else counts.set(name, (counts.get(name) ?? 0) + grow);
          const series = asMap(bounded.read(counts));
          expect(series.size).toBeLessThanOrEqual(limit + 1);
          for (const [label, value] of series) {
            expect(value).toBeGreaterThanOrEqual(previous.get(label) ?? 0);
          }
          // What is reported is what is live, plus what departed sources left in _other.
          const total = [...series.values()].reduce((a, b) => a + b, 0);
          const live = [...counts.values()].reduce((a, b) => a + b, 0);
          expect(total).toBeGreaterThanOrEqual(live);
          expect(total).toBeLessThanOrEqual(live + departed);
          previous = series;
        }
      }),
    );
  });
});
