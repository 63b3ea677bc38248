import { describe, expect, it } from "vitest";
import { CursorClock } from "./cursor-clock.ts";

describe("CursorClock", () => {
  it("strictly increases within a millisecond and when the clock steps back", () => {
    let now = 1000;
    const clock = new CursorClock(undefined, () => now);
    expect(clock.next()).toEqual({ ms: 1000, seq: 0 });
    expect(clock.next()).toEqual({ ms: 1000, seq: 1 });
    now = 900;
    expect(clock.next()).toEqual({ ms: 1000, seq: 2 });
    now = 1001;
    expect(clock.next()).toEqual({ ms: 1001, seq: 0 });
  });

  it("continues after a cursor observed in storage", () => {
    const clock = new CursorClock(undefined, () => 5);
    clock.observe({ ms: 10, seq: 4 });
    expect(clock.next()).toEqual({ ms: 10, seq: 5 });
  });
});
