import { describe, expect, it } from "vitest";
import { describeCron, duration, previewSchedule } from "./schedule-preview.ts";
import { silenceEnd } from "./silence-window.ts";

describe("schedule preview", () => {
  it("says when a daily cron runs in its timezone and how long until the next run", () => {
    // 21:00 UTC in December is 22:00 in Berlin: 02:00 Berlin is four hours away.
    const preview = previewSchedule(
      { cron: "0 2 * * *", timezone: "Europe/Berlin", graceSeconds: 300 },
      new Date("2026-12-06T21:00:00Z"),
    );
    expect(preview).toEqual({
      ok: true,
      text: "every day at 02:00 Europe/Berlin, next in 4 h",
      next: new Date("2026-12-07T01:00:00Z"),
    });
  });

  it("reads six-field crons (with seconds) and the common shapes", () => {
    expect(describeCron("0 30 6 * * 1")).toBe("every Monday at 06:30");
    expect(describeCron("*/15 * * * *")).toBe("every 15 minutes");
    expect(describeCron("0 9 * * 1-5")).toBe("every weekday at 09:00");
    expect(describeCron("5 4 1,15 * *")).toBe('on "5 4 1,15 * *"');
  });

  it("reports an invalid cron instead of a preview", () => {
    const preview = previewSchedule({ cron: "61 * * * *", timezone: "UTC", graceSeconds: 0 });
    expect(preview.ok).toBe(false);
  });

  it("describes interval schedules and durations", () => {
    expect(previewSchedule({ everySeconds: 900, graceSeconds: 60 })).toMatchObject({
      ok: true,
      text: "every 15 min, counted from the last run",
    });
    expect(duration(93_600)).toBe("1 d 2 h");
    expect(duration(90)).toBe("1 min 30 s");
  });
});

describe("silence window", () => {
  it("ends after a preset or at a custom time in the future", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(silenceEnd(4, now)?.toISOString()).toBe("2026-01-01T04:00:00.000Z");
    expect(silenceEnd("2026-01-02T00:00:00Z", now)?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
    expect(silenceEnd("2025-12-31T00:00:00Z", now)).toBeNull();
    expect(silenceEnd("not a date", now)).toBeNull();
  });
});
