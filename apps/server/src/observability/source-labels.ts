// Bounds the `source` label of a per-source counter: the busiest sources (at most `limit`) keep a
// series of their own, every other source is summed under `source="_other"`. Both stay counters:
// a value reported never goes down, whichever sources come, go or take a freed label.

export const OTHER_SOURCES = "_other";

export interface SourceSample {
  source: string;
  value: number;
}

export class BoundedSourceCounts {
  /** Labelled source → what it had counted under `_other` before it got its label. */
  private readonly labelled = new Map<string, number>();
  /** Unlabelled source → its count already included in `other`. */
  private readonly inOther = new Map<string, number>();
  private other = 0;

  constructor(private readonly limit: number) {}

  /**
   * The series to report for these live counts (read at scrape time). A source missing from
   * `counts` left memory: a labelled one frees its label (its series ends), an unlabelled one's
   * count stays in `_other`, which must not go down.
   */
  read(counts: ReadonlyMap<string, number>): SourceSample[] {
    for (const source of this.labelled.keys()) if (!counts.has(source)) this.labelled.delete(source);
    for (const source of this.inOther.keys()) if (!counts.has(source)) this.inOther.delete(source);
    if (this.labelled.size < this.limit) this.promoteBusiest(counts);

    const out: SourceSample[] = [];
    for (const [source, count] of counts) {
      const offset = this.labelled.get(source);
      if (offset !== undefined) {
        out.push({ source, value: Math.max(0, count - offset) });
        continue;
      }
      const seen = this.inOther.get(source) ?? 0;
      // A count below what was seen means the source restarted counting: only growth is added.
      if (count > seen) this.other += count - seen;
      this.inOther.set(source, count);
    }
    out.push({ source: OTHER_SOURCES, value: this.other });
    return out;
  }

  /** Gives free labels to the unlabelled sources with the highest counts. */
  private promoteBusiest(counts: ReadonlyMap<string, number>): void {
    const candidates: [string, number][] = [];
    for (const entry of counts) if (!this.labelled.has(entry[0])) candidates.push(entry);
    candidates.sort((a, b) => b[1] - a[1]);
    for (const [source] of candidates.slice(0, this.limit - this.labelled.size)) {
      // What it counted under `_other` stays there; its own series counts from then on.
      this.labelled.set(source, this.inOther.get(source) ?? 0);
      this.inOther.delete(source);
    }
  }
}
