import { describe, expect, it } from "vitest";
import { compareCursors, formatCursor, parseCursor, positionFromKey, positionKey } from "./cursor.ts";

describe("cursors", () => {
  it("parses batch and event cursors and formats them back", () => {
    expect(parseCursor("1732280000000-3")).toEqual({ ms: 1732280000000, seq: 3 });
    expect(parseCursor("1732280000000-3-17")).toEqual({ ms: 1732280000000, seq: 3, index: 17 });
    expect(formatCursor({ ms: 5, seq: 0, index: 2 })).toBe("5-0-2");
    for (const bad of ["", "abc", "1-", "-1", "1-2-3-4", "1.5-2", "99999999999999999-1"])
      expect(parseCursor(bad)).toBeNull();
  });

  it("orders numerically, a batch cursor after every event of its batch", () => {
    const sorted = ["9-9", "10-0-0", "10-0-5", "10-0", "10-1-0", "10-10"];
    const parsed = sorted.map((text) => parseCursor(text) ?? { ms: 0, seq: 0 });
    const shuffled = [...parsed].reverse().sort(compareCursors);
    expect(shuffled.map(formatCursor)).toEqual(sorted);
  });

  it("maps positions to fixed-width keys whose string order is the cursor order", () => {
    const cursors = ["9-9", "10-0-0", "10-0-5", "10-0", "10-1-0", "10-10", "100-2"].map(
      (text) => parseCursor(text) ?? { ms: 0, seq: 0 },
    );
    const keys = cursors.map(positionKey);
    expect([...keys].sort()).toEqual(keys);
    expect(positionFromKey(positionKey({ ms: 42, seq: 7, index: 3 }))).toEqual({ ms: 42, seq: 7, index: 3 });
  });

  it("rejects a sequence part longer than its storage padding", () => {
    expect(parseCursor("1732280000000-9999999999")).toEqual({ ms: 1732280000000, seq: 9_999_999_999 });
    expect(parseCursor("1732280000000-10000000000")).toBeNull();
    expect(parseCursor("1-00000000001")).toBeNull();
  });
});
