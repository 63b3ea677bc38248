// Batches for hub tests.
import type { Batch, Metric } from "@scrapewatch/protocol";

export function metric(source: string, n: number): Metric {
  return {
    id: `id-${source}-${n}`,
    type: "scheduler",
    source,
    timestamp: new Date(0).toISOString(),
    durationMs: n,
    itemsProcessed: 0,
    success: true,
    error: null,
  };
}

export function batch(ms: number, seq: number, source: string, size = 2): Batch {
  const metrics = Array.from({ length: size }, (_, i) => metric(source, i));
  return { id: `${ms}-${seq}`, source, count: size, timestamp: new Date(ms).toISOString(), metrics };
}
