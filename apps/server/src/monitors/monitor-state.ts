// A monitor as the API shows it: its state (SPEC 14), what it learned, the thresholds in force,
// when the next run is expected and which incidents are open.
import type { IncidentKind, Monitor, MonitorState } from "@scrapewatch/protocol";
import type { SilencePolicy } from "./rhythm-estimator.ts";
import { runDurationP95 } from "./run-tracker.ts";
import type { SourceMonitor } from "./source-monitor.ts";
import { dueAt, effectiveThresholds, type MonitorConfig } from "./thresholds.ts";

const DOWN: readonly IncidentKind[] = ["silence", "missed_run"];
const FAILING: readonly IncidentKind[] = ["failures", "blocked", "run_overdue"];

export interface OpenIncidentRef {
  id: string;
  kind: IncidentKind;
}

export function monitorView(
  monitor: SourceMonitor,
  config: MonitorConfig,
  open: readonly OpenIncidentRef[],
  now: number,
  policy: SilencePolicy,
): Monitor {
  const { settings } = config;
  const effective = effectiveThresholds(monitor, settings, policy);
  const due = dueAt(monitor, config, now);
  const running = monitor.runs.running[0];
  return {
    source: monitor.source,
    kind: monitor.kind,
    state: stateOf(monitor, config, open, now, due, effective.silenceAfterSeconds),
    settings,
    learned: { intervalSeconds: monitor.learned.interval, runDurationP95Ms: runDurationP95(monitor.runs) },
    effective,
    lastEventAt: monitor.lastEventAt === null ? null : new Date(monitor.lastEventAt).toISOString(),
    nextExpectedAt: due === null ? null : new Date(due).toISOString(),
    runningSince: running ? new Date(running.startedAt).toISOString() : null,
    openIncidents: open.map((incident) => incident.id),
  };
}

/** The state alone, without building the whole view (for counting every monitor). */
export function monitorState(
  monitor: SourceMonitor,
  config: MonitorConfig,
  open: readonly OpenIncidentRef[],
  now: number,
  policy: SilencePolicy,
): MonitorState {
  const { silenceAfterSeconds } = effectiveThresholds(monitor, config.settings, policy);
  return stateOf(monitor, config, open, now, dueAt(monitor, config, now), silenceAfterSeconds);
}

function stateOf(
  monitor: SourceMonitor,
  config: MonitorConfig,
  open: readonly OpenIncidentRef[],
  now: number,
  due: number | null,
  silenceAfterSeconds: number | null,
): MonitorState {
  const { settings } = config;
  if (settings.paused) return "paused";
  if (open.some((incident) => DOWN.includes(incident.kind))) return "down";
  if (open.some((incident) => FAILING.includes(incident.kind))) return "failing";
  if (due !== null && now > due) return "late";
  // Too little history to judge: no schedule, no explicit threshold, rhythm not learned yet.
  if (settings.schedule === null && settings.silenceAfterSeconds === "auto" && silenceAfterSeconds === null) {
    return "new";
  }
  if (monitor.lastEventAt === null && settings.schedule === null) return "new";
  return "up";
}
