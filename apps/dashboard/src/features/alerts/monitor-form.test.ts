import type { Monitor } from "@scrapewatch/protocol";
import { MonitorSettings } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { formOf, patchOf } from "./monitor-form.ts";

const monitor = (settings: unknown): Monitor => ({
  source: "nightly",
  kind: "scheduler",
  state: "up",
  settings: MonitorSettings.parse(settings),
  learned: { intervalSeconds: null, runDurationP95Ms: null },
  effective: { silenceAfterSeconds: null, maxRuntimeSeconds: null },
  lastEventAt: null,
  nextExpectedAt: null,
  runningSince: null,
  openIncidents: [],
});

describe("monitor settings form", () => {
  it("round-trips a cron schedule, words for auto and never, and pause", () => {
    const form = formOf(
      monitor({
        schedule: { cron: "0 2 * * *", timezone: "Europe/Berlin", graceSeconds: 600 },
        silenceAfterSeconds: null,
        paused: true,
      }),
    );
    expect(form).toMatchObject({
      scheduleKind: "cron",
      silenceAfter: "never",
      maxRuntime: "auto",
      paused: true,
    });
    expect(patchOf({ ...form, maxRuntime: "900" })).toMatchObject({
      schedule: { cron: "0 2 * * *", timezone: "Europe/Berlin", graceSeconds: 600 },
      silenceAfterSeconds: null,
      maxRuntimeSeconds: 900,
      failureThreshold: { consecutive: 1, ratePercent: 50 },
      blockThreshold: { ratePercent: 30 },
      paused: true,
    });
  });

  it("sends no schedule for none and an interval for interval", () => {
    const form = formOf(monitor({}));
    expect(patchOf(form).schedule).toBeNull();
    expect(
      patchOf({ ...form, scheduleKind: "interval", everySeconds: "900", graceSeconds: "60" }).schedule,
    ).toEqual({
      everySeconds: 900,
      graceSeconds: 60,
    });
  });
});
