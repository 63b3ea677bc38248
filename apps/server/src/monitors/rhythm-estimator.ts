// The learned rhythm behind `silenceAfterSeconds: "auto"`: how long a source is normally quiet.
// Pure and serializable (the state is plain JSON), so it survives a restart and is cheap to test.
//
// Events are grouped into bursts: a gap under FLOOR_SECONDS, or under BURST_RATIO × the current
// estimate, continues a burst and is not recorded. Every other gap (a pause) is recorded in a
// bounded window. The estimate is a time-weighted quantile of the window: the pause length the
// source spends most of its quiet time in. Weighting by time is what makes a bursty source
// (50 events, then 15 quiet minutes) read as a 15-minute rhythm even before its bursts are
// recognised as bursts, while a steady source reads as its own small gap.
//
// A pause longer than OUTLIER_RATIO × the estimate is held back rather than recorded: one outage
// must not inflate the rhythm. It is let in when such long pauses repeat (another one within
// REPEAT_FACTOR × its length), which is how a real slowdown is learned after a few gaps.

export const FLOOR_SECONDS = 1;
export const BURST_RATIO = 0.25;
export const OUTLIER_RATIO = 4;
export const REPEAT_FACTOR = 6;
export const WINDOW = 48;
/** Gaps of the rhythm a monitor must have seen before it judges silence (state `new` until then). */
export const MIN_RHYTHM_GAPS = 5;
const QUANTILE = 0.75;
const MAX_HELD = 4;
/** Outliers are only judged once this many gaps are recorded (too few to call anything unusual). */
const MIN_GAPS_FOR_OUTLIERS = 5;

export interface RhythmState {
  /** Epoch ms of the newest event seen. */
  lastEventAt: number | null;
  /** Recorded pauses, oldest first, in seconds. */
  gaps: number[];
  /** Long pauses held back as possible outages: when they ended and how long they were. */
  held: { at: number; gap: number }[];
}

export function emptyRhythm(): RhythmState {
  return { lastEventAt: null, gaps: [], held: [] };
}

/** Learns from one event at `at` (epoch ms). Events older than the newest seen are ignored. */
export function observeEvent(state: RhythmState, at: number): void {
  const last = state.lastEventAt;
  if (last === null || at > last) state.lastEventAt = at;
  if (last === null || at <= last) return;
  const gap = (at - last) / 1000;
  if (gap < FLOOR_SECONDS) return;
  const estimate = rhythmSeconds(state);
  if (estimate !== null && gap < BURST_RATIO * estimate) return;
  if (estimate !== null && state.gaps.length >= MIN_GAPS_FOR_OUTLIERS && gap > OUTLIER_RATIO * estimate) {
    holdOrAdmit(state, at, gap);
    return;
  }
  record(state, gap);
}

function holdOrAdmit(state: RhythmState, at: number, gap: number): void {
  const repeated = state.held.filter((h) => at - h.at <= REPEAT_FACTOR * gap * 1000);
  if (repeated.length === 0) {
    state.held.push({ at, gap });
    if (state.held.length > MAX_HELD) state.held.shift();
    return;
  }
  // Long pauses that keep coming are the new rhythm, not an outage.
  for (const h of repeated) record(state, h.gap);
  record(state, gap);
  state.held = state.held.filter((h) => !repeated.includes(h));
}

function record(state: RhythmState, gap: number): void {
  state.gaps.push(Math.round(gap * 1000) / 1000);
  if (state.gaps.length > WINDOW) state.gaps.splice(0, state.gaps.length - WINDOW);
}

/** The usual pause between bursts, in seconds; null before any pause was recorded. */
export function rhythmSeconds(state: RhythmState): number | null {
  if (state.gaps.length === 0) return null;
  const sorted = [...state.gaps].sort((a, b) => a - b);
  const total = sorted.reduce((sum, gap) => sum + gap, 0);
  let covered = 0;
  for (const gap of sorted) {
    covered += gap;
    if (covered >= QUANTILE * total) return gap;
  }
  return sorted[sorted.length - 1] ?? null;
}

/** Recorded pauses that count as gaps of the rhythm under the current estimate. */
export function rhythmGapCount(state: RhythmState): number {
  const estimate = rhythmSeconds(state);
  if (estimate === null) return 0;
  return state.gaps.filter((gap) => gap >= BURST_RATIO * estimate).length;
}

export function isLearned(state: RhythmState): boolean {
  return rhythmGapCount(state) >= MIN_RHYTHM_GAPS;
}

export interface SilencePolicy {
  minSeconds: number;
  factor: number;
}

/** Seconds without an event after which a learned source counts as silent (null: not yet). */
export function autoSilenceSeconds(state: RhythmState, policy: SilencePolicy): number | null {
  return silenceAfter(rhythmSeconds(state), rhythmGapCount(state), policy);
}

/** The same from a learned interval and the number of gaps it rests on (a monitor caches both). */
export function silenceAfter(interval: number | null, gaps: number, policy: SilencePolicy): number | null {
  if (interval === null || gaps < MIN_RHYTHM_GAPS) return null;
  return Math.max(policy.minSeconds, Math.ceil(policy.factor * interval));
}

/** A state read back from storage; anything malformed starts over rather than failing. */
export function parseRhythm(value: unknown): RhythmState {
  if (typeof value !== "object" || value === null) return emptyRhythm();
  const raw = value as Record<string, unknown>;
  const last = typeof raw.lastEventAt === "number" ? raw.lastEventAt : null;
  const gaps = Array.isArray(raw.gaps) ? raw.gaps.filter((g): g is number => typeof g === "number") : [];
  const held = Array.isArray(raw.held)
    ? raw.held.flatMap((h: unknown) => {
        if (typeof h !== "object" || h === null) return [];
        const { at, gap } = h as Record<string, unknown>;
        return typeof at === "number" && typeof gap === "number" ? [{ at, gap }] : [];
      })
    : [];
  return { lastEventAt: last, gaps: gaps.slice(-WINDOW), held: held.slice(-MAX_HELD) };
}
