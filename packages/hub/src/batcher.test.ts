import type { Metric } from "@scrapewatch/protocol";
import { describe, expect, it, vi } from "vitest";
import { Batcher } from "./batcher.ts";

function event(source: string, n: number): Metric {
  return {
    id: `id-${source}-${n}`,
    type: "scheduler",
    source,
    timestamp: new Date().toISOString(),
    durationMs: n,
    itemsProcessed: 0,
    success: true,
    error: null,
  };
}

describe("Batcher", () => {
  it("seals a source's batch after the interval, with events in order", () => {
    vi.useFakeTimers();
    const sealed: [string, number[]][] = [];
    const batcher = new Batcher({
      intervalMs: 1000,
      maxSize: 100,
      onSeal: (s, m) => sealed.push([s, m.map((e) => e.durationMs ?? 0)]),
    });
    batcher.add([event("a", 1), event("b", 2), event("a", 3)]);
    expect(sealed).toEqual([]);
    expect(batcher.waiting).toBe(3);
    vi.advanceTimersByTime(999);
    expect(sealed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sealed).toEqual([
      ["a", [1, 3]],
      ["b", [2]],
    ]);
    expect(batcher.waiting).toBe(0);
    vi.useRealTimers();
  });

  it("seals as soon as a batch holds maxSize events", () => {
    const sealed: number[] = [];
    const batcher = new Batcher({ intervalMs: 60_000, maxSize: 3, onSeal: (_s, m) => sealed.push(m.length) });
    batcher.add(Array.from({ length: 7 }, (_, i) => event("a", i)));
    expect(sealed).toEqual([3, 3]);
    batcher.flushAll();
    expect(sealed).toEqual([3, 3, 1]);
  });

  it("seals every ingest call at once when the interval is 0", () => {
    const sealed: number[] = [];
    const batcher = new Batcher({ intervalMs: 0, maxSize: 100, onSeal: (_s, m) => sealed.push(m.length) });
    batcher.add([event("a", 1), event("a", 2)]);
    batcher.add([event("a", 3)]);
    expect(sealed).toEqual([2, 1]);
  });
});
