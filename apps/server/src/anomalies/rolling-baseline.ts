// A robust rolling baseline: the median and the scaled median absolute deviation (MAD) of the
// last N samples (or the scaled mean distance from the median, when larger). One outlier barely moves either, so a spike stands out against the past
// instead of inflating it; a lasting change of level becomes the new normal within N/2 samples.
const MAD_TO_SIGMA = 1.4826;
const MEAN_ABS_TO_SIGMA = 1.2533;

export interface Deviation {
  /** Signed distance from the median, in robust standard deviations. */
  score: number;
  center: number;
  scale: number;
}

export class RollingBaseline {
  private readonly samples: number[] = [];
  private next = 0;
  private stats: { center: number; scale: number } | null = null;
  private addedSinceStats = 0;

  /**
   * @param floor the smallest scale used: relative (fraction of |median|) and absolute, so a
   *   perfectly steady series does not turn every tiny change into an infinite score.
   */
  constructor(
    private readonly capacity: number,
    private readonly floor: { relative: number; absolute: number },
  ) {}

  get count(): number {
    return this.samples.length;
  }

  add(value: number): void {
    if (this.samples.length < this.capacity) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.addedSinceStats += 1;
  }

  deviation(value: number): Deviation | null {
    if (this.samples.length === 0) return null;
    // Sorting the window for every batch would cost more than the rest of ingest: the figures
    // are refreshed after every 10 % of the window has been replaced, which moves them very little.
    if (!this.stats || this.addedSinceStats >= Math.max(1, this.capacity / 10)) {
      this.stats = this.compute();
      this.addedSinceStats = 0;
    }
    const { center, scale } = this.stats;
    return { score: (value - center) / scale, center, scale };
  }

  private compute(): { center: number; scale: number } {
    const center = median(this.samples);
    const distances = this.samples.map((sample) => Math.abs(sample - center));
    const meanDistance = distances.reduce((sum, d) => sum + d, 0) / distances.length;
    // The MAD of integer-valued samples (items, whole milliseconds) can fall a whole step short;
    // the mean distance is continuous and, from the median, still little moved by one outlier.
    const scale = Math.max(
      MAD_TO_SIGMA * median(distances),
      MEAN_ABS_TO_SIGMA * meanDistance,
      this.floor.relative * Math.abs(center),
      this.floor.absolute,
    );
    return { center, scale };
  }
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  // A typed array sorts numerically in native code, several times faster than a comparator.
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] ?? 0;
  return ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
