// One evaluation of one monitor: which incidents should be open now. Level-triggered: the
// lifecycle opens what is wanted and not open, and resolves what is open and no longer wanted,
// so a restart or a takeover by another instance converges on the same incidents.
import type { AnomalyMetric, IncidentKind } from "@scrapewatch/protocol";
import type { SilencePolicy } from "./rhythm-estimator.ts";
import { ratePercent, type SourceMonitor } from "./source-monitor.ts";
import { dueAt, effectiveThresholds, type MonitorConfig } from "./thresholds.ts";

export interface EvaluationPolicy extends SilencePolicy {
  anomalyResolveSeconds: number;
}

/** An incident that should be open. */
export interface Condition {
  kind: IncidentKind;
  key: string;
  summary: string;
  details: Record<string, unknown>;
}

export type IsOpen = (kind: IncidentKind, key: string) => boolean;

export function evaluate(
  monitor: SourceMonitor,
  config: MonitorConfig,
  now: number,
  policy: EvaluationPolicy,
  isOpen: IsOpen,
): Condition[] {
  const { settings } = config;
  if (settings.paused) return [];
  const source = monitor.source;
  const wanted: Condition[] = [];
  const effective = effectiveThresholds(monitor, settings, policy);

  const last = monitor.lastEventAt;
  const silence = effective.silenceAfterSeconds;
  if (silence !== null && last !== null && now - last > silence * 1000) {
    const interval = monitor.learned.interval;
    const usual =
      settings.silenceAfterSeconds === "auto" && interval !== null
        ? ` (usually every ${span(interval * 1000)})`
        : "";
    wanted.push({
      kind: "silence",
      key: "",
      summary: `${source} has sent nothing for ${span(now - last)}${usual}`,
      details: { lastEventAt: iso(last), silenceAfterSeconds: silence, learnedIntervalSeconds: interval },
    });
  }

  const schedule = settings.schedule;
  const due = dueAt(monitor, config, now);
  if (schedule && due !== null && now > due + schedule.graceSeconds * 1000) {
    wanted.push({
      kind: "missed_run",
      key: "",
      summary: `${source} did not run at ${iso(due)} (${span(now - due)} ago)`,
      details: {
        dueAt: iso(due),
        graceSeconds: schedule.graceSeconds,
        lastRunAt: maybeIso(monitor.runs.lastRunAt),
      },
    });
  }

  const maxRuntime = effective.maxRuntimeSeconds;
  if (maxRuntime !== null) {
    for (const run of monitor.runs.running) {
      if (now - run.startedAt <= maxRuntime * 1000) continue;
      wanted.push({
        kind: "run_overdue",
        key: run.runId ?? `started-${run.startedAt}`,
        summary: `${source}'s ${run.runId ? `run ${run.runId}` : "run"} has been running for ${span(now - run.startedAt)} (limit ${span(maxRuntime * 1000)})`,
        details: { runId: run.runId, startedAt: iso(run.startedAt), maxRuntimeSeconds: maxRuntime },
      });
    }
  }

  const failures = failureCondition(monitor, config, isOpen("failures", ""));
  if (failures) wanted.push(failures);

  const { ratePercent: blockPercent, window: blockWindow } = settings.blockThreshold;
  const blockRate = ratePercent(monitor.blocks, blockWindow, "1");
  if (blockRate !== null && crossed(blockRate, blockPercent, isOpen("blocked", ""))) {
    wanted.push({
      kind: "blocked",
      key: "",
      summary: `${source} is blocked on ${Math.round(blockRate)}% of its last ${blockWindow} navigations`,
      details: { blockRatePercent: blockRate, window: blockWindow, thresholdPercent: blockPercent },
    });
  }

  for (const [metric, at] of Object.entries(monitor.anomalies) as [AnomalyMetric, number][]) {
    if (now - at >= policy.anomalyResolveSeconds * 1000) continue;
    wanted.push({
      kind: "anomaly",
      key: metric,
      summary: `${source} shows an anomaly in ${metric}`,
      details: { metric, lastDetectedAt: iso(at) },
    });
  }
  return wanted;
}

function failureCondition(monitor: SourceMonitor, config: MonitorConfig, open: boolean): Condition | null {
  const { consecutive, ratePercent: percent, window } = config.settings.failureThreshold;
  const source = monitor.source;
  if (monitor.kind === "scheduler") {
    const failed = monitor.runs.consecutiveFailures;
    if (failed < consecutive) return null;
    return {
      kind: "failures",
      key: "",
      summary: failed === 1 ? `${source}'s last run failed` : `${source}'s last ${failed} runs failed`,
      details: { consecutiveFailures: failed, threshold: consecutive },
    };
  }
  const rate = ratePercent(monitor.outcomes, window, "0");
  if (rate === null || !crossed(rate, percent, open)) return null;
  return {
    kind: "failures",
    key: "",
    summary: `${source} failed ${Math.round(rate)}% of its last ${window} navigations and scrapes`,
    details: { failureRatePercent: rate, window, thresholdPercent: percent },
  };
}

/** Opens at the threshold; once open, stays open until the rate falls below half of it. */
function crossed(rate: number, threshold: number, open: boolean): boolean {
  return open ? rate >= threshold / 2 : rate >= threshold;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function maybeIso(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** "45 seconds", "25 minutes", "3 hours", "2 days": one unit, rounded. */
export function span(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const [value, unit] =
    seconds < 120
      ? [seconds, "second"]
      : seconds < 7200
        ? [Math.round(seconds / 60), "minute"]
        : seconds < 172_800
          ? [Math.round(seconds / 3600), "hour"]
          : [Math.round(seconds / 86_400), "day"];
  return `${value} ${unit}${value === 1 ? "" : "s"}`;
}
