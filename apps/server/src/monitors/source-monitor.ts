// What one source's monitor knows from its events: kind, last event, learned rhythm, runs, the
// outcomes of recent navigations and scrapes, recent blocks and anomalies. Updated from every
// batch on every instance (so whichever instance evaluates has it), saved as JSON.
import type { AnomalyMetric, Metric } from "@scrapewatch/protocol";
import {
  emptyRhythm,
  observeEvent,
  parseRhythm,
  type RhythmState,
  rhythmGapCount,
  rhythmSeconds,
} from "./rhythm-estimator.ts";
import { emptyRuns, parseRuns, type RunState, runFinished, runStarted } from "./run-tracker.ts";

/** Outcomes kept per source: the largest `window` a threshold may name. */
export const MAX_OUTCOMES = 1000;

export type MonitorKind = "scraper" | "scheduler";

export interface SourceMonitorJson {
  kind: MonitorKind;
  lastEventAt: number | null;
  rhythm: RhythmState;
  runs: RunState;
  outcomes: string;
  blocks: string;
  anomalies: Partial<Record<AnomalyMetric, number>>;
}

export class SourceMonitor {
  kind: MonitorKind = "scraper";
  lastEventAt: number | null = null;
  rhythm: RhythmState = emptyRhythm();
  runs: RunState = emptyRuns();
  /** "1" success, "0" failure, newest last: navigations and scrapes (scrapers). */
  outcomes = "";
  /** "1" blocked, "0" not, newest last: navigations. */
  blocks = "";
  /** When each metric last had an anomaly (epoch ms). */
  anomalies: Partial<Record<AnomalyMetric, number>> = {};
  /** Changed since last saved. */
  dirty = false;
  /** Learned interval and gap count, recomputed only when the rhythm records a gap. */
  private rhythmCache: Readonly<{ interval: number | null; gaps: number }> | null = null;

  constructor(readonly source: string) {}

  observe(metric: Metric): void {
    const at = Date.parse(metric.timestamp);
    this.dirty = true;
    if (metric.type === "scheduler") {
      this.kind = "scheduler";
      if (metric.state === "started") runStarted(this.runs, metric.runId, at);
      else
        runFinished(this.runs, {
          runId: metric.runId,
          at,
          durationMs: metric.durationMs,
          success: metric.success,
        });
    } else {
      this.outcomes = push(this.outcomes, metric.success);
      if (metric.type === "navigation") this.blocks = push(this.blocks, isBlocked(metric));
    }
    if (this.lastEventAt === null || at > this.lastEventAt) this.lastEventAt = at;
    const before = this.rhythm.gaps.length;
    const lastGap = this.rhythm.gaps[before - 1];
    observeEvent(this.rhythm, at);
    if (this.rhythm.gaps.length !== before || this.rhythm.gaps[before - 1] !== lastGap)
      this.rhythmCache = null;
  }

  observeAnomaly(metric: AnomalyMetric, at: number): void {
    this.anomalies[metric] = Math.max(this.anomalies[metric] ?? 0, at);
    this.dirty = true;
  }

  /** The learned pause between bursts (seconds) and how many gaps of it were seen. */
  get learned(): Readonly<{ interval: number | null; gaps: number }> {
    this.rhythmCache ??= { interval: rhythmSeconds(this.rhythm), gaps: rhythmGapCount(this.rhythm) };
    return this.rhythmCache;
  }

  toJSON(): SourceMonitorJson {
    return {
      kind: this.kind,
      lastEventAt: this.lastEventAt,
      rhythm: this.rhythm,
      runs: this.runs,
      outcomes: this.outcomes,
      blocks: this.blocks,
      anomalies: this.anomalies,
    };
  }

  static fromJSON(source: string, kind: string, value: unknown): SourceMonitor {
    const monitor = new SourceMonitor(source);
    monitor.kind = kind === "scheduler" ? "scheduler" : "scraper";
    if (typeof value !== "object" || value === null) return monitor;
    const raw = value as Record<string, unknown>;
    monitor.lastEventAt = typeof raw.lastEventAt === "number" ? raw.lastEventAt : null;
    monitor.rhythm = parseRhythm(raw.rhythm);
    monitor.runs = parseRuns(raw.runs);
    monitor.outcomes = typeof raw.outcomes === "string" ? raw.outcomes.slice(-MAX_OUTCOMES) : "";
    monitor.blocks = typeof raw.blocks === "string" ? raw.blocks.slice(-MAX_OUTCOMES) : "";
    if (typeof raw.anomalies === "object" && raw.anomalies !== null) {
      for (const [metric, at] of Object.entries(raw.anomalies)) {
        if (typeof at === "number") monitor.anomalies[metric as AnomalyMetric] = at;
      }
    }
    return monitor;
  }
}

/** Share (0–100) of "0"/"1" flags that are `flag` among the newest `window`; null until full. */
export function ratePercent(flags: string, window: number, flag: "0" | "1"): number | null {
  if (flags.length < window) return null;
  const recent = flags.slice(-window);
  let hits = 0;
  for (let i = 0; i < recent.length; i++) if (recent[i] === flag) hits++;
  return (100 * hits) / window;
}

function push(flags: string, value: boolean): string {
  const next = flags + (value ? "1" : "0");
  return next.length > MAX_OUTCOMES ? next.slice(-MAX_OUTCOMES) : next;
}

// The `blocked` navigation field (SPEC 15) is added to the protocol alongside this work: read it
// without depending on its declaration.
function isBlocked(metric: Metric): boolean {
  return "blocked" in metric && (metric as { blocked?: unknown }).blocked === true;
}
