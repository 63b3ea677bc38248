// The thresholds in force for a monitor now, with "auto" resolved from what it learned.
import { type SilencePolicy, silenceAfter } from "./rhythm-estimator.ts";
import type { Settings } from "./monitor-settings.ts";
import { nextDueAt } from "./schedule.ts";
import { autoMaxRuntimeSeconds } from "./run-tracker.ts";
import type { SourceMonitor } from "./source-monitor.ts";

export interface MonitorConfig {
  settings: Settings;
  /** When the current schedule was set (epoch ms); missed runs count from here. */
  scheduleSetAt: number | null;
}

export interface Effective {
  silenceAfterSeconds: number | null;
  maxRuntimeSeconds: number | null;
}

export function effectiveThresholds(
  monitor: SourceMonitor,
  settings: Settings,
  policy: SilencePolicy,
): Effective {
  return {
    // With a schedule, the schedule decides when the source is overdue.
    silenceAfterSeconds:
      settings.schedule !== null
        ? null
        : settings.silenceAfterSeconds === "auto"
          ? silenceAfter(monitor.learned.interval, monitor.learned.gaps, policy)
          : settings.silenceAfterSeconds,
    maxRuntimeSeconds:
      settings.maxRuntimeSeconds === "auto"
        ? autoMaxRuntimeSeconds(monitor.runs)
        : settings.maxRuntimeSeconds,
  };
}

/** Kept beside the monitor: croner is only asked again when a run or the schedule changed. */
const dueCache = new WeakMap<
  SourceMonitor,
  { schedule: object; since: number; lastRunAt: number | null; due: number | null }
>();

/** When the next scheduled run is due (epoch ms), or null without a schedule. */
export function dueAt(monitor: SourceMonitor, config: MonitorConfig, now: number): number | null {
  const schedule = config.settings.schedule;
  if (!schedule) return null;
  const since = config.scheduleSetAt ?? now;
  const lastRunAt = monitor.runs.lastRunAt;
  const cached = dueCache.get(monitor);
  // Settings objects are replaced, never changed in place: identity says the schedule is the same.
  if (cached && cached.schedule === schedule && cached.since === since && cached.lastRunAt === lastRunAt) {
    return cached.due;
  }
  const due = nextDueAt(schedule, since, lastRunAt);
  dueCache.set(monitor, { schedule, since, lastRunAt, due });
  return due;
}
