// A small Prometheus text exposition (format 0.0.4) writer: counters, gauges and histograms with
// labels, and collectors that read live values at scrape time.
type Labels = Record<string, string>;

export interface Sample {
  labels?: Labels;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples(): string[];
}

export class Registry {
  private readonly families: Family[] = [];

  /** A counter or gauge whose samples are read when scraped. */
  collect(name: string, help: string, type: "counter" | "gauge", read: () => Sample[]): void {
    this.families.push({
      name,
      help,
      type,
      samples: () => read().map((sample) => line(name, sample.labels, sample.value)),
    });
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const histogram = new Histogram(name, buckets);
    this.families.push({ name, help, type: "histogram", samples: () => histogram.lines() });
    return histogram;
  }

  /** The exposition text of every family. */
  render(): string {
    const out: string[] = [];
    for (const family of this.families) {
      out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
      out.push(`# TYPE ${family.name} ${family.type}`);
      out.push(...family.samples());
    }
    return `${out.join("\n")}\n`;
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number, times = 1): void {
    this.sum += value * times;
    this.count += times;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] ?? Number.POSITIVE_INFINITY))
        this.counts[i] = (this.counts[i] ?? 0) + times;
    }
  }

  lines(): string[] {
    const out = this.buckets.map((bound, i) =>
      line(`${this.name}_bucket`, { le: formatNumber(bound) }, this.counts[i] ?? 0),
    );
    out.push(line(`${this.name}_bucket`, { le: "+Inf" }, this.count));
    out.push(line(`${this.name}_sum`, undefined, this.sum));
    out.push(line(`${this.name}_count`, undefined, this.count));
    return out;
  }
}

function line(name: string, labels: Labels | undefined, value: number): string {
  const entries = Object.entries(labels ?? {});
  const text =
    entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
  return `${name}${text} ${formatNumber(value)}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
