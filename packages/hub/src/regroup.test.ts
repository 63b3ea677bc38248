import { positionKey } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { batchesFromEvents } from "./regroup.ts";
import { metric } from "./test-batches.test-helper.ts";

function stored(ms: number, seq: number, index: number, source = "a") {
  return { metric: metric(source, index), position: positionKey({ ms, seq, index }) };
}

describe("batchesFromEvents", () => {
  it("groups stored events back into batches by batch cursor, across pages", () => {
    const page1 = [stored(1, 0, 2), stored(1, 0, 3), stored(1, 1, 0, "b"), stored(2, 0, 0)];
    const first = batchesFromEvents(page1);
    expect(first.complete.map((b) => [b.id, b.source, b.count])).toEqual([
      ["1-0", "a", 2],
      ["1-1", "b", 1],
    ]);
    const second = batchesFromEvents([stored(2, 0, 1), stored(3, 0, 0)], first.open);
    expect(second.complete.map((b) => [b.id, b.count])).toEqual([["2-0", 2]]);
    expect(second.open).toHaveLength(1);
    expect(first.complete[0]?.timestamp).toBe(new Date(1).toISOString());
  });
});
