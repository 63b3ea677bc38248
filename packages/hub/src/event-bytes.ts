// A cheap estimate of the heap an event costs, for byte bounds on queues and buffers: a fixed
// cost for the object and its numbers, plus its strings (one byte per character for the Latin-1
// text V8 stores compactly; URLs and error texts are what make an event large), scaled for the
// copies made on the way in. Calibrated on the server's RSS growth per held event, measured by
// bench/memory: ~1.2 KB per ordinary event and ~13 KB per maximum-size one (2 KiB URL, 4 KiB
// error) — V8 lets its old generation grow well past the live bytes before it collects.
import type { Metric } from "@scrapewatch/protocol";

/** The object, its numbers and booleans, its id and position, and its share of the batch. */
const EVENT_OVERHEAD_BYTES = 1024;
/** Per string field: its header. */
const STRING_OVERHEAD_BYTES = 16;
/** Characters cost about two bytes each in the end (parse buffers, frames, GC headroom). */
const STRING_FACTOR = 2;

export function estimateEventBytes(metric: Metric): number {
  let bytes = EVENT_OVERHEAD_BYTES;
  for (const key in metric) {
    const value = (metric as unknown as Record<string, unknown>)[key];
    if (typeof value === "string") bytes += STRING_OVERHEAD_BYTES + STRING_FACTOR * value.length;
  }
  return Math.ceil(bytes);
}

export function estimateEventsBytes(metrics: readonly Metric[]): number {
  let bytes = 0;
  for (const metric of metrics) bytes += estimateEventBytes(metric);
  return bytes;
}
