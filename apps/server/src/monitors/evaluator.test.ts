import type { Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { type EvaluationPolicy, evaluate } from "./evaluator.ts";
import { defaultSettings, mergeSettings } from "./monitor-settings.ts";
import { monitorView } from "./monitor-state.ts";
import { nextDueAt } from "./schedule.ts";
import { SourceMonitor } from "./source-monitor.ts";

const POLICY: EvaluationPolicy = { minSeconds: 300, factor: 5, anomalyResolveSeconds: 600 };
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const closed = () => false;

function run(source: string, at: number, overrides: Record<string, unknown> = {}): Metric {
  return {
    id: `${at}`,
    type: "scheduler",
    source,
    timestamp: new Date(at).toISOString(),
    durationMs: 1000,
    itemsProcessed: 1,
    success: true,
    error: null,
    state: "finished",
    ...overrides,
  } as Metric;
}

describe("evaluate", () => {
  it("keeps an anomaly incident open until ANOMALY_RESOLVE_SECONDS pass without another", () => {
    const monitor = new SourceMonitor("cnbc");
    monitor.observeAnomaly("navigationDuration", T0);
    const config = { settings: defaultSettings(), scheduleSetAt: null };
    expect(evaluate(monitor, config, T0 + 599_000, POLICY, closed)).toMatchObject([
      { kind: "anomaly", key: "navigationDuration" },
    ]);
    expect(evaluate(monitor, config, T0 + 600_000, POLICY, closed)).toEqual([]);
  });

  it("judges a cron schedule in its timezone, late within grace and missed after it", () => {
    const monitor = new SourceMonitor("nightly");
    const settings = mergeSettings(defaultSettings(), {
      schedule: { cron: "0 2 * * *", timezone: "Europe/Berlin", graceSeconds: 600 },
    });
    // Set at 12:00 UTC on 1 June: the next run is 02:00 Berlin (00:00 UTC) on 2 June.
    const config = { settings, scheduleSetAt: T0 };
    const due = Date.UTC(2026, 5, 2, 0, 0, 0);
    expect(nextDueAt(settings.schedule ?? { everySeconds: 1, graceSeconds: 0 }, T0, null)).toBe(due);
    expect(monitorView(monitor, config, [], due + 60_000, POLICY)).toMatchObject({ state: "late" });
    expect(evaluate(monitor, config, due + 300_000, POLICY, closed)).toEqual([]);
    expect(evaluate(monitor, config, due + 601_000, POLICY, closed)).toMatchObject([{ kind: "missed_run" }]);
    // A run a little early covers that occurrence; the next is due a day later.
    monitor.observe(run("nightly", due - 30_000));
    expect(evaluate(monitor, config, due + 601_000, POLICY, closed)).toEqual([]);
    expect(monitorView(monitor, config, [], due + 601_000, POLICY).nextExpectedAt).toBe(
      new Date(due + 86_400_000).toISOString(),
    );
  });

  it("learns maxRuntimeSeconds auto from five finished runs", () => {
    const monitor = new SourceMonitor("job");
    const config = { settings: defaultSettings(), scheduleSetAt: null };
    for (let i = 0; i < 5; i++) monitor.observe(run("job", T0 + i * 60_000, { durationMs: 40_000 }));
    monitor.observe(run("job", T0 + 400_000, { state: "started", runId: "slow" }));
    // max(60, 3 × 40 s) = 120 s
    expect(evaluate(monitor, config, T0 + 400_000 + 119_000, POLICY, closed)).toEqual([]);
    expect(evaluate(monitor, config, T0 + 400_000 + 121_000, POLICY, closed)).toMatchObject([
      { kind: "run_overdue", key: "slow" },
    ]);
  });

  it("opens nothing for a paused monitor", () => {
    const monitor = new SourceMonitor("job");
    monitor.observe(run("job", T0, { success: false }));
    const paused = { settings: mergeSettings(defaultSettings(), { paused: true }), scheduleSetAt: null };
    expect(evaluate(monitor, paused, T0 + 1000, POLICY, closed)).toEqual([]);
    expect(monitorView(monitor, paused, [], T0, POLICY).state).toBe("paused");
  });
});
