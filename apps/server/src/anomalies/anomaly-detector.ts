// Watches published batches per source and flags values far from their rolling baseline.
// A deviation must persist to count: the median of the newest PERSIST values (or of the batch,
// when it has that many) must lie beyond the threshold; a lone value needs twice the threshold.
// So ordinary noise stays quiet and a real incident, even a single extreme value, is reported.
// Items count successful scrapes only (failures show in the success rate). Success rate: the
// share of successes in each run of SUCCESS_GROUP events, compared on Anscombe's arcsine scale,
// where a share's spread is about 1/(2·√n) at any rate (raw shares near 100 % are lopsided); only
// drops are reported, as more success than usual is never an incident. Block rate (SPEC 15): the
// share of blocked navigations in each run of SUCCESS_GROUP navigations, on the same scale; only
// rises are reported.
import type { Anomaly, AnomalyMetric, Batch, Metric } from "@scrapewatch/protocol";
import { median, RollingBaseline } from "./rolling-baseline.ts";

export interface DetectorOptions {
  /** Deviations (robust standard deviations) beyond which a value is anomalous. */
  threshold: number;
  /** Samples a baseline needs before it judges anything. */
  minSamples?: number;
  /** Samples kept per baseline. */
  window?: number;
  /** Sources with baselines at most (default 10,000, as MAX_SOURCES). */
  maxSources?: number;
  /** After an anomaly, the same (source, metric) stays quiet this long. */
  cooldownMs?: number;
  now?: () => number;
  /** The anomaly's id; `at` is the detection time given to observe(). */
  newId: (source: string, metric: AnomalyMetric, at: number) => string;
}

export const SUCCESS_GROUP = 20;
export const PERSIST = 3;
const MAX_SOURCES = 10_000;
/** Sources looked at (least recently seen first) for one that is still learning. */
const EVICTION_SCAN = 1_000;

const FLOORS: Record<AnomalyMetric, { relative: number; absolute: number }> = {
  navigationDuration: { relative: 0.05, absolute: 1 },
  scrapeDuration: { relative: 0.05, absolute: 1 },
  itemsExtracted: { relative: 0.05, absolute: 1 },
  successRate: { relative: 0, absolute: 1 / (2 * Math.sqrt(SUCCESS_GROUP)) },
  blockRate: { relative: 0, absolute: 1 / (2 * Math.sqrt(SUCCESS_GROUP)) },
};
const isShare = (metric: AnomalyMetric) => metric === "successRate" || metric === "blockRate";

const toArcsine = (ok: number, total: number) => Math.asin(Math.sqrt((ok + 3 / 8) / (total + 3 / 4)));
const fromArcsine = (angle: number) =>
  Math.min(1, Math.max(0, (Math.sin(angle) ** 2 * (SUCCESS_GROUP + 3 / 4) - 3 / 8) / SUCCESS_GROUP));

interface Series {
  baseline: RollingBaseline;
  recent: number[];
  quietUntil: number;
}

/** The events counted so far towards the next share: `hits` of `total` (successes, or blocks). */
interface ShareGroup {
  hits: number;
  total: number;
}

interface SourceState {
  series: Map<AnomalyMetric, Series>;
  successes: ShareGroup;
  blocks: ShareGroup;
}

export class AnomalyDetector {
  private readonly sources = new Map<string, SourceState>();
  private readonly minSamples: number;
  private readonly window: number;
  private readonly cooldownMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(private readonly options: DetectorOptions) {
    this.minSamples = options.minSamples ?? 20;
    this.window = options.window ?? 200;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxSources = options.maxSources ?? MAX_SOURCES;
    this.now = options.now ?? Date.now;
  }

  /**
   * Judges a batch against its source's baselines, then learns from it. `at`: the detection
   * time (default now); instances that pass the batch's cursor time agree on every result.
   */
  observe(batch: Pick<Batch, "source" | "metrics">, at: number = this.now()): Anomaly[] {
    const state = this.stateOf(batch.source);
    if (!state) return [];
    const found: Anomaly[] = [];
    for (const [metric, values] of splitSeries(batch.metrics)) {
      if (values.length > 0) this.judge(batch.source, state, metric, values, found, at);
    }
    const successShares = groupShares(state.successes, batch.metrics, succeeded);
    if (successShares.length > 0) this.judge(batch.source, state, "successRate", successShares, found, at);
    const blockShares = groupShares(state.blocks, batch.metrics, blocked);
    if (blockShares.length > 0) this.judge(batch.source, state, "blockRate", blockShares, found, at);
    return found;
  }

  private judge(
    source: string,
    state: SourceState,
    metric: AnomalyMetric,
    values: number[],
    found: Anomaly[],
    now: number,
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
    if (series.quietUntil > now) return;
    for (const { value, threshold, deviation } of deviations) {
      if (!deviation || Math.abs(deviation.score) <= threshold) continue;
      if (metric === "successRate" && deviation.score > 0) continue;
      if (metric === "blockRate" && deviation.score < 0) continue;
      series.quietUntil = now + this.cooldownMs;
      const share = isShare(metric);
      found.push({
        id: this.options.newId(source, metric, now),
        source,
        metric,
        value: round(share ? fromArcsine(value) : value),
        baseline: round(share ? fromArcsine(deviation.center) : deviation.center),
        deviationScore: round(Math.abs(deviation.score)),
        direction: deviation.score > 0 ? "spike" : "drop",
        detectedAt: new Date(now).toISOString(),
      });
      return;
    }
  }

  /** Lets go of a source's baselines (it left memory: idle past SOURCE_IDLE_MS). */
  forget(source: string): void {
    this.sources.delete(source);
  }

  get size(): number {
    return this.sources.size;
  }

  /**
   * The source's state, most recently seen last in the map. Beyond the cap only a baseline
   * still learning (fewer than minSamples) may be dropped for a newcomer, so a flood of new
   * sources never costs a real source its baselines: with none to drop, the newcomer waits.
   */
  private stateOf(source: string): SourceState | null {
    let state = this.sources.get(source);
    if (state) {
      this.sources.delete(source);
      this.sources.set(source, state);
      return state;
    }
    if (this.sources.size >= this.maxSources && !this.dropOneLearning()) return null;
    state = { series: new Map(), successes: { hits: 0, total: 0 }, blocks: { hits: 0, total: 0 } };
    this.sources.set(source, state);
    return state;
  }

  private dropOneLearning(): boolean {
    let scanned = 0;
    for (const [source, state] of this.sources) {
      if (scanned++ >= EVICTION_SCAN) break;
      const learned = [...state.series.values()].some((series) => series.baseline.count >= this.minSamples);
      if (!learned) {
        this.sources.delete(source);
        return true;
      }
    }
    return false;
  }

  private seriesOf(state: SourceState, metric: AnomalyMetric): Series {
    let series = state.series.get(metric);
    if (!series) {
      const size = isShare(metric) ? Math.max(this.minSamples, this.window / 2) : this.window;
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

/**
 * Counts the metrics into the source's group, `outcome` telling a hit from a miss (undefined:
 * the metric does not count), and answers the share, on the arcsine scale, of each group of
 * SUCCESS_GROUP it completes. A group not yet complete carries over to the next batch.
 */
function groupShares(
  group: ShareGroup,
  metrics: readonly Metric[],
  outcome: (metric: Metric) => boolean | undefined,
): number[] {
  const shares: number[] = [];
  for (const metric of metrics) {
    const hit = outcome(metric);
    if (hit === undefined) continue;
    group.total += 1;
    if (hit) group.hits += 1;
    if (group.total < SUCCESS_GROUP) continue;
    shares.push(toArcsine(group.hits, group.total));
    group.hits = 0;
    group.total = 0;
  }
  return shares;
}

// A started run carries no outcome (it is normalized to success): only finished ones count.
const succeeded = (metric: Metric) =>
  metric.type === "scheduler" && metric.state === "started" ? undefined : metric.success;
const blocked = (metric: Metric) => (metric.type === "navigation" ? metric.blocked === true : undefined);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
