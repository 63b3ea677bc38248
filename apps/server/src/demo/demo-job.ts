// The demo's scheduled job, there to show monitors and incidents within minutes of `npm start`:
// it runs every 45 s (started, then finished, under one runId) through a fixed cycle in which one
// run hangs past its maximum runtime (run_overdue), one fails (failures, resolved by the next good
// run) and one is skipped (missed_run, resolved by the next run). No channel is configured by the
// demo, so nothing is sent anywhere; the incidents show on the dashboard and the streams.
import { randomUUID } from "node:crypto";
import type { MetricsRecorder } from "@scrapewatch/client";
import type { MonitorSettingsPatch } from "@scrapewatch/protocol";

export const DEMO_JOB = {
  source: "nightly-report",
  everyMs: 45_000,
  /** What the demo job's monitor is set to, unless someone configured it already. */
  monitor: {
    schedule: { everySeconds: 45, graceSeconds: 15 },
    maxRuntimeSeconds: 20,
  } satisfies MonitorSettingsPatch,
} as const;

export type DemoRun = "ok" | "hang" | "fail" | "skip";
/** One cycle of runs (about five minutes): the first incident opens a minute after start. */
export const DEMO_CYCLE: readonly DemoRun[] = ["ok", "hang", "ok", "fail", "ok", "ok", "skip"];

const DURATION_MS: Record<DemoRun, number> = { ok: 4_000, hang: 32_000, fail: 6_000, skip: 0 };

export interface DemoJobOptions {
  recorder: MetricsRecorder;
  pace: number;
  /** Registers a timer the demo clears when it stops. */
  later(delayMs: number, fn: () => void): void;
}

/** Runs the demo job's cycle until the demo stops (its timers are cleared then). */
export function runDemoJob({ recorder, pace, later }: DemoJobOptions): void {
  let index = 0;
  const next = () => {
    const kind = DEMO_CYCLE[index % DEMO_CYCLE.length] ?? "ok";
    index += 1;
    later(DEMO_JOB.everyMs * pace, next);
    if (kind === "skip") return;
    const runId = randomUUID();
    const durationMs = DURATION_MS[kind];
    recorder.recordSchedulerStart(DEMO_JOB.source, runId);
    later(durationMs * pace, () =>
      recorder.recordSchedulerRun(DEMO_JOB.source, {
        runId,
        durationMs,
        itemsProcessed: kind === "fail" ? 0 : 120,
        success: kind !== "fail",
        error: kind === "fail" ? "report upload refused: 503 Service Unavailable" : null,
      }),
    );
  };
  // The first run soon after start, so the monitor has something to show at once.
  later(2_000 * pace, next);
}
