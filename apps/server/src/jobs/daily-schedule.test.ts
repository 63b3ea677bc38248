import { describe, expect, it } from "vitest";
import { nextOccurrence } from "./daily-schedule.ts";

describe("nextOccurrence", () => {
  it("is later today when the time has not come yet, else tomorrow (server local time)", () => {
    const morning = new Date(2026, 0, 10, 1, 30, 0);
    expect(nextOccurrence("02:00", morning)).toEqual(new Date(2026, 0, 10, 2, 0, 0));
    const exactly = new Date(2026, 0, 10, 2, 0, 0);
    expect(nextOccurrence("02:00", exactly)).toEqual(new Date(2026, 0, 11, 2, 0, 0));
    const evening = new Date(2026, 0, 31, 23, 59, 0);
    expect(nextOccurrence("00:15", evening)).toEqual(new Date(2026, 1, 1, 0, 15, 0));
  });
});
