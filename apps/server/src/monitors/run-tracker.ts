// The runs of a scheduled job: started runs still going (a finished event with a runId completes
// that run; without one, the oldest running run), recent finished durations for the learned
// maximum runtime, and consecutive failures. Plain JSON, persisted with the monitor's state.

/** Finished runs needed before `maxRuntimeSeconds: "auto"` judges anything. */
export const MIN_RUNS_FOR_RUNTIME = 5;
const DURATION_WINDOW = 50;
/** At most this many runs are tracked as running per source (a job that never says finished). */
const MAX_RUNNING = 100;

export interface RunningRun {
  runId: string | null;
  startedAt: number;
}

export interface RunState {
  running: RunningRun[];
  /** Durations (ms) of recent finished runs, oldest first. */
  durations: number[];
  consecutiveFailures: number;
  /** When the newest run started or, for runs reported only when finished, arrived (epoch ms). */
  lastRunAt: number | null;
}

export function emptyRuns(): RunState {
  return { running: [], durations: [], consecutiveFailures: 0, lastRunAt: null };
}

export function runStarted(state: RunState, runId: string | undefined, at: number): void {
  if (runId !== undefined && state.running.some((run) => run.runId === runId)) return;
  state.running.push({ runId: runId ?? null, startedAt: at });
  state.running.sort((a, b) => a.startedAt - b.startedAt);
  if (state.running.length > MAX_RUNNING) state.running.shift();
  state.lastRunAt = Math.max(state.lastRunAt ?? at, at);
}

/** Records a finished run; answers the run it completed, if one was running. */
export function runFinished(
  state: RunState,
  event: { runId?: string; at: number; durationMs: number; success: boolean },
): RunningRun | null {
  const index =
    event.runId === undefined
      ? state.running.length > 0
        ? 0
        : -1
      : state.running.findIndex((run) => run.runId === event.runId);
  const completed = index >= 0 ? (state.running.splice(index, 1)[0] ?? null) : null;
  state.durations.push(event.durationMs);
  if (state.durations.length > DURATION_WINDOW) state.durations.shift();
  state.consecutiveFailures = event.success ? 0 : state.consecutiveFailures + 1;
  // A run reported only when finished arrived then (its start was never seen).
  const arrivedAt = completed?.startedAt ?? event.at;
  state.lastRunAt = Math.max(state.lastRunAt ?? arrivedAt, arrivedAt);
  return completed;
}

/** Sorting once per change, not once per evaluation: keyed by the durations array and its length. */
const p95Cache = new WeakMap<
  number[],
  { length: number; first: number | undefined; last: number | undefined; p95: number | null }
>();

/** p95 of recent finished runs' durations (ms), or null before MIN_RUNS_FOR_RUNTIME of them. */
export function runDurationP95(state: RunState): number | null {
  const durations = state.durations;
  if (durations.length < MIN_RUNS_FOR_RUNTIME) return null;
  const last = durations[durations.length - 1];
  const cached = p95Cache.get(durations);
  if (cached && cached.length === durations.length && cached.last === last && cached.first === durations[0]) {
    return cached.p95;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? null;
  p95Cache.set(durations, { length: durations.length, first: durations[0], last, p95 });
  return p95;
}

/** `maxRuntimeSeconds: "auto"`: max(60, 3 × p95), once enough runs finished. */
export function autoMaxRuntimeSeconds(state: RunState): number | null {
  const p95 = runDurationP95(state);
  return p95 === null ? null : Math.max(60, Math.ceil((3 * p95) / 1000));
}

export function parseRuns(value: unknown): RunState {
  if (typeof value !== "object" || value === null) return emptyRuns();
  const raw = value as Record<string, unknown>;
  const numbers = (list: unknown) =>
    Array.isArray(list) ? list.filter((n): n is number => typeof n === "number") : [];
  const running = Array.isArray(raw.running)
    ? raw.running.flatMap((run: unknown) => {
        if (typeof run !== "object" || run === null) return [];
        const { runId, startedAt } = run as Record<string, unknown>;
        if (typeof startedAt !== "number") return [];
        return [{ runId: typeof runId === "string" ? runId : null, startedAt }];
      })
    : [];
  return {
    running: running.slice(-MAX_RUNNING),
    durations: numbers(raw.durations).slice(-DURATION_WINDOW),
    consecutiveFailures: typeof raw.consecutiveFailures === "number" ? raw.consecutiveFailures : 0,
    lastRunAt: typeof raw.lastRunAt === "number" ? raw.lastRunAt : null,
  };
}
