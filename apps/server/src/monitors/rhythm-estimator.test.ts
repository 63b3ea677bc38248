import { describe, expect, it } from "vitest";
import {
  autoSilenceSeconds,
  emptyRhythm,
  isLearned,
  observeEvent,
  parseRhythm,
  type RhythmState,
  rhythmSeconds,
} from "./rhythm-estimator.ts";

const POLICY = { minSeconds: 300, factor: 5 };
const T0 = Date.UTC(2026, 0, 1);

/** Feeds events at the given offsets (seconds from T0). */
function feed(state: RhythmState, offsets: Iterable<number>): RhythmState {
  for (const s of offsets) observeEvent(state, T0 + s * 1000);
  return state;
}

function* every(stepSeconds: number, count: number, from = 0): Generator<number> {
  for (let i = 0; i < count; i++) yield from + i * stepSeconds;
}

function* bursts(periodSeconds: number, count: number, perBurst: number, spacing: number, from = 0) {
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < perBurst; i++) yield from + b * periodSeconds + i * spacing;
  }
}

/** A deterministic pseudo-random sequence (mulberry32), so the jitter test never flakes. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("rhythm estimator", () => {
  it("learns a steady source's small gap and falls back to the minimum threshold", () => {
    const state = feed(emptyRhythm(), every(3, 200));
    expect(rhythmSeconds(state)).toBe(3);
    expect(isLearned(state)).toBe(true);
    expect(autoSilenceSeconds(state, POLICY)).toBe(300);
  });

  it("stays new until five gaps of the rhythm were seen", () => {
    const state = feed(emptyRhythm(), every(120, 5));
    expect(isLearned(state)).toBe(false);
    expect(autoSilenceSeconds(state, POLICY)).toBeNull();
    feed(state, [600]);
    expect(isLearned(state)).toBe(true);
    expect(autoSilenceSeconds(state, POLICY)).toBe(600);
  });

  it("reads 50 events every 15 minutes as a 15-minute rhythm, not a one-second one", () => {
    const state = feed(emptyRhythm(), bursts(900, 10, 50, 1));
    const rhythm = rhythmSeconds(state) ?? 0;
    expect(rhythm).toBeGreaterThan(800);
    expect(rhythm).toBeLessThanOrEqual(900);
    expect(isLearned(state)).toBe(true);
    expect(autoSilenceSeconds(state, POLICY)).toBeGreaterThan(4000);
  });

  it("reads tight bursts (many events within a second) the same way", () => {
    const state = feed(emptyRhythm(), bursts(900, 8, 50, 0.05));
    expect(rhythmSeconds(state)).toBeGreaterThan(890);
    expect(isLearned(state)).toBe(true);
  });

  it("follows a jittery source without being thrown by its spread", () => {
    const next = random(42);
    let at = 0;
    const offsets: number[] = [];
    for (let i = 0; i < 200; i++) {
      at += 30 + next() * 60; // 30–90 s, mean 60
      offsets.push(at);
    }
    const state = feed(emptyRhythm(), offsets);
    const rhythm = rhythmSeconds(state) ?? 0;
    expect(rhythm).toBeGreaterThan(55);
    expect(rhythm).toBeLessThan(90);
  });

  it("is not inflated by an outage", () => {
    const state = feed(emptyRhythm(), every(60, 40));
    const before = rhythmSeconds(state);
    // Two hours of nothing, then the usual rhythm again.
    feed(state, every(60, 20, 39 * 60 + 7200));
    expect(before).toBe(60);
    expect(rhythmSeconds(state)).toBe(60);
    expect(autoSilenceSeconds(state, POLICY)).toBe(300);
  });

  it("learns a real slowdown after a few long gaps", () => {
    const state = feed(emptyRhythm(), every(60, 40));
    const slowFrom = 39 * 60;
    const seen: number[] = [];
    for (let i = 1; i <= 10; i++) {
      feed(state, [slowFrom + i * 600]);
      seen.push(rhythmSeconds(state) ?? 0);
    }
    expect(seen[0]).toBe(60); // the first long gap might be an outage
    expect(seen.slice(6).every((r) => r === 600)).toBe(true);
    expect(autoSilenceSeconds(state, POLICY)).toBe(3000);
  });

  it("learns pauses between long bursts of slower activity", () => {
    // Ten minutes of an event every 10 s, then five quiet minutes, repeated.
    const offsets: number[] = [];
    for (let cycle = 0; cycle < 12; cycle++) {
      for (let i = 0; i <= 60; i++) offsets.push(cycle * 900 + i * 10);
    }
    const state = feed(emptyRhythm(), offsets);
    expect(rhythmSeconds(state)).toBeGreaterThanOrEqual(290);
    expect(autoSilenceSeconds(state, POLICY)).toBeGreaterThanOrEqual(1450);
  });

  it("survives a restart through its JSON form", () => {
    const state = feed(emptyRhythm(), bursts(900, 8, 50, 1));
    const restored = parseRhythm(JSON.parse(JSON.stringify(state)));
    expect(rhythmSeconds(restored)).toBe(rhythmSeconds(state));
    expect(isLearned(restored)).toBe(true);
    expect(parseRhythm({ gaps: "nonsense" })).toEqual(emptyRhythm());
  });

  it("ignores events older than the newest one seen", () => {
    const state = feed(emptyRhythm(), [0, 60, 30, 120]);
    expect(state.gaps).toEqual([60, 60]);
  });
});
