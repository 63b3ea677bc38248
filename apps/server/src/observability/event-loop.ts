// Event-loop delay of this process, sampled by Node's histogram (perf_hooks), read as a window:
// each reading reports the delays since the previous one, so a soak run sees lag over time.
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";

export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class EventLoopMonitor {
  private histogram: IntervalHistogram | null = null;

  /** The delays since the last reading (started on the first one, which reports zeros). */
  read(): EventLoopLag {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: 10 });
      this.histogram.enable();
      return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    }
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const lag = {
      p50Ms: ms(this.histogram.percentile(50)),
      p99Ms: ms(this.histogram.percentile(99)),
      maxMs: ms(this.histogram.max),
    };
    this.histogram.reset();
    return lag;
  }
}
