import type { Batch, Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { CursorGate } from "./cursor-gate.ts";

const all = () => true;
let n = 0;
function metric(source: string): Metric {
  n += 1;
  return {
    id: `id-${n}`,
    type: "navigation",
    source,
    url: "https://example.test/",
    durationMs: 100,
    retryCount: 0,
    success: true,
    error: null,
    timestamp: new Date(1_700_000_000_000).toISOString(),
  };
}
function batch(id: string, source: string, count: number): Batch {
  const metrics = Array.from({ length: count }, () => metric(source));
  return { id, source, count, timestamp: new Date().toISOString(), metrics };
}

describe("CursorGate", () => {
  it("delivers each batch once and tags events with their positions", () => {
    const gate = new CursorGate();
    const first = gate.acceptBatch(batch("100-1", "a", 2), all);
    expect(first.map((e) => e.cursor)).toEqual(["100-1-0", "100-1-1"]);
    expect(gate.acceptBatch(batch("100-1", "a", 2), all)).toEqual([]);
    expect(gate.cursor).toBe("100-1");
  });

  it("drops batches older than the position, comparing numerically", () => {
    const gate = new CursorGate("1000-10");
    expect(gate.acceptBatch(batch("1000-9", "a", 1), all)).toEqual([]);
    expect(gate.acceptBatch(batch("999-99", "a", 1), all)).toEqual([]);
    expect(gate.acceptBatch(batch("1000-11", "a", 1), all)).toHaveLength(1);
  });

  it("continues a batch halfway through after polling stopped at an event cursor", () => {
    const gate = new CursorGate();
    const polled = gate.acceptItems(
      [
        { cursor: "200-3-0", source: "a" },
        { cursor: "200-3-1", source: "a" },
      ],
      all,
    );
    expect(polled).toHaveLength(2);
    expect(gate.cursor).toBe("200-3-1");
    const rest = gate.acceptBatch(batch("200-3", "a", 4), all);
    expect(rest.map((e) => e.cursor)).toEqual(["200-3-2", "200-3-3"]);
    expect(gate.cursor).toBe("200-3");
  });

  it("skips REST items already delivered by the stream", () => {
    const gate = new CursorGate();
    gate.acceptBatch(batch("300-1", "a", 2), all);
    const items = [
      { cursor: "300-1-0", source: "a" },
      { cursor: "300-1-1", source: "a" },
      { cursor: "300-2-0", source: "a" },
    ];
    expect(gate.acceptItems(items, all).map((i) => i.cursor)).toEqual(["300-2-0"]);
  });

  it("moves past events of sources not wanted without delivering them", () => {
    const gate = new CursorGate();
    const items = [
      { cursor: "400-1-0", source: "a" },
      { cursor: "400-2-0", source: "b" },
    ];
    expect(gate.acceptItems(items, (s) => s === "a").map((i) => i.source)).toEqual(["a"]);
    expect(gate.cursor).toBe("400-2-0");
  });

  it("never moves backwards on advanceTo", () => {
    const gate = new CursorGate("500-5");
    gate.advanceTo("500-4");
    expect(gate.cursor).toBe("500-5");
    gate.advanceTo("501-0");
    expect(gate.cursor).toBe("501-0");
  });
});
