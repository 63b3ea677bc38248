import type { BatchCursor } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { StoredWatermark } from "./stored-watermark.ts";

const at = (ms: number): BatchCursor => ({ ms, seq: 0 });

function tracker() {
  const advanced: number[] = [];
  const watermark = new StoredWatermark((through) => advanced.push(through.ms));
  return { watermark, advanced };
}

describe("StoredWatermark", () => {
  it("advances over a batch only once its own instance has stored it", () => {
    const { watermark, advanced } = tracker();
    watermark.delivered(at(1), "a");
    watermark.delivered(at(2), "b");
    watermark.delivered(at(3), "a");
    // a stored through 3, but b's batch 2 is not stored yet: only 1 may go.
    watermark.storedBy("a", at(3));
    expect(advanced).toEqual([1]);
    expect(watermark.oldestWaiting?.origin).toBe("b");
    watermark.storedBy("b", at(2));
    expect(advanced).toEqual([1, 3]);
    expect(watermark.waiting).toBe(0);
  });

  it("counts a batch re-appended after an outage as stored under its local cursor", () => {
    const { watermark, advanced } = tracker();
    watermark.storedBy("a", at(5));
    watermark.delivered(at(9), "a", at(4));
    expect(advanced).toEqual([9]);
  });

  it("stops waiting for an instance that is gone", () => {
    const { watermark, advanced } = tracker();
    watermark.delivered(at(1), "gone");
    watermark.delivered(at(2), "a");
    watermark.storedBy("a", at(2));
    expect(advanced).toEqual([]);
    watermark.originGone("gone");
    expect(advanced).toEqual([2]);
    // Back after all (Redis had been away from it): its new batches are waited for again.
    watermark.delivered(at(3), "gone");
    expect(advanced).toEqual([2]);
    watermark.storedBy("gone", at(3));
    expect(advanced).toEqual([2, 3]);
  });
});
