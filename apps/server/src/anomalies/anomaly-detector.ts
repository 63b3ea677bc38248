// Watches published batches per source and flags values far from their rolling baseline.
// A deviation must persist to count: the median of the newest PERSIST values (or of the batch,
// when it has that many) must lie beyond the threshold; a lone value needs twice the threshold.
// So ordinary noise stays quiet and a real incident, even a single extreme value, is reported.
// Items count successful scrapes only (failures show in the success rate). Success rate: the
// share of successes in each run of SUCCESS_GROUP events, compared on Anscombe's arcsine scale,
// where a share's spread is about 1/(2·√n) at any rate (raw shares near 100 % are lopsided); only
// drops are reported, as more success than usual is never an incident.
import type { Anomaly, AnomalyMetric, Batch, Metric } from "@scrapewatch/protocol";
import { median, RollingBaseline } from "./rolling-baseline.ts";

export interface DetectorOptions {
  /** Deviations (robust standard deviations) beyond which a value is anomalous. */
  threshold: number;
  /** Samples a baseline needs before it judges anything. */
  minSamples?: number;
  /** Samples kept per baseline. */
  window?: number;
  /** After an anomaly, the same (source, metric) stays quiet this long. */
  cooldownMs?: number;
  now?: () => number;
  newId: () => string;
}

export const SUCCESS_GROUP = 20;
export const PERSIST = 3;
const MAX_SOURCES = 10_000;

const FLOORS: Record<AnomalyMetric, { relative: number; absolute: number }> = {
  navigationDuration: { relative: 0.05, absolute: 1 },
  scrapeDuration: { relative: 0.05, absolute: 1 },
  itemsExtracted: { relative: 0.05, absolute: 1 },
  successRate: { relative: 0, absolute: 1 / (2 * Math.sqrt(SUCCESS_GROUP)) },
};

const toArcsine = (ok: number, total: number) => Math.asin(Math.sqrt((ok + 3 / 8) / (total + 3 / 4)));
const fromArcsine = (angle: number) =>
  Math.min(1, Math.max(0, (Math.sin(angle) ** 2 * (SUCCESS_GROUP + 3 / 4) - 3 / 8) / SUCCESS_GROUP));

interface Series {
  baseline: RollingBaseline;
  recent: number[];
  quietUntil: number;
}

interface SourceState {
  series: Map<AnomalyMetric, Series>;
  group: { ok: number; total: number };
}

export class AnomalyDetector {
  private readonly sources = new Map<string, SourceState>();
  private readonly minSamples: number;
  private readonly window: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(private readonly options: DetectorOptions) {
    this.minSamples = options.minSamples ?? 20;
    this.window = options.window ?? 200;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Judges a batch against its source's baselines, then learns from it. */
  observe(batch: Pick<Batch, "source" | "metrics">): Anomaly[] {
    const state = this.stateOf(batch.source);
    const found: Anomaly[] = [];
    for (const [metric, values] of splitSeries(batch.metrics)) {
      if (values.length > 0) this.judge(batch.source, state, metric, values, found);
    }
    const shares: number[] = [];
    for (const metric of batch.metrics) {
      state.group.total += 1;
      if (metric.success) state.group.ok += 1;
      if (state.group.total < SUCCESS_GROUP) continue;
      shares.push(toArcsine(state.group.ok, state.group.total));
      state.group = { ok: 0, total: 0 };
    }
    if (shares.length > 0) this.judge(batch.source, state, "successRate", shares, found);
    return found;
  }

  private judge(
    source: string,
    state: SourceState,
    metric: AnomalyMetric,
    values: number[],
    found: Anomaly[],
  ): void {
    const series = this.seriesOf(state, metric);
    const { baseline, recent } = series;
    recent.push(...values.slice(-PERSIST));
    if (recent.length > PERSIST) recent.splice(0, recent.length - PERSIST);
    const judged: { value: number; threshold: number }[] = [];
    if (baseline.count >= this.minSamples) {
      const lone = median(values);
      if (values.length >= PERSIST) judged.push({ value: lone, threshold: this.options.threshold });
      else {
        if (recent.length >= PERSIST)
          judged.push({ value: median(recent), threshold: this.options.threshold });
        judged.push({ value: lone, threshold: 2 * this.options.threshold });
      }
    }
    // Judged against the baseline before this batch joins it.
    const deviations = judged.map((candidate) => ({
      ...candidate,
      deviation: baseline.deviation(candidate.value),
    }));
    for (const value of values) baseline.add(value);
    const now = this.now();
    if (series.quietUntil > now) return;
    for (const { value, threshold, deviation } of deviations) {
      if (!deviation || Math.abs(deviation.score) <= threshold) continue;
      if (metric === "successRate" && deviation.score > 0) continue;
      series.quietUntil = now + this.cooldownMs;
      const isShare = metric === "successRate";
      found.push({
        id: this.options.newId(),
        source,
        metric,
        value: round(isShare ? fromArcsine(value) : value),
        baseline: round(isShare ? fromArcsine(deviation.center) : deviation.center),
        deviationScore: round(Math.abs(deviation.score)),
        direction: deviation.score > 0 ? "spike" : "drop",
        detectedAt: new Date(now).toISOString(),
      });
      return;
    }
  }

  private stateOf(source: string): SourceState {
    let state = this.sources.get(source);
    if (!state) {
      // Bounded memory: forget the least recently created source beyond the cap.
      if (this.sources.size >= MAX_SOURCES) {
        const oldest = this.sources.keys().next().value;
        if (oldest !== undefined) this.sources.delete(oldest);
      }
      state = { series: new Map(), group: { ok: 0, total: 0 } };
      this.sources.set(source, state);
    }
    return state;
  }

  private seriesOf(state: SourceState, metric: AnomalyMetric): Series {
    let series = state.series.get(metric);
    if (!series) {
      const size = metric === "successRate" ? Math.max(this.minSamples, this.window / 2) : this.window;
      series = { baseline: new RollingBaseline(size, FLOORS[metric]), recent: [], quietUntil: 0 };
      state.series.set(metric, series);
    }
    return series;
  }
}

function splitSeries(metrics: readonly Metric[]): Map<AnomalyMetric, number[]> {
  const navigation: number[] = [];
  const scrape: number[] = [];
  const items: number[] = [];
  for (const metric of metrics) {
    if (metric.type === "navigation") navigation.push(metric.durationMs);
    else if (metric.type === "scrape") {
      scrape.push(metric.durationMs);
      if (metric.success) items.push(metric.itemsExtracted);
    }
  }
  return new Map<AnomalyMetric, number[]>([
    ["navigationDuration", navigation],
    ["scrapeDuration", scrape],
    ["itemsExtracted", items],
  ]);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
