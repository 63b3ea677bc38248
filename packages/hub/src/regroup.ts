// Rebuilds batches from stored events (read back in position order), so a replay from storage
// looks exactly like the live stream: one batch per batch cursor, partial when the resume
// cursor pointed inside it.
import { type Batch, type Metric, positionFromKey } from "@scrapewatch/protocol";

export interface PositionedMetric {
  metric: Metric;
  /** The fixed-width position key (see positionKey). */
  position: string;
}

/**
 * Groups consecutive events by batch cursor. The last group may continue in the next page, so
 * it is returned apart as `open` for the caller to prepend to the next page (or emit at the end).
 */
export function batchesFromEvents(
  events: readonly PositionedMetric[],
  carry: PositionedMetric[] = [],
): { complete: Batch[]; open: PositionedMetric[] } {
  const complete: Batch[] = [];
  let group: PositionedMetric[] = carry;
  let groupKey = group[0] ? batchKey(group[0].position) : null;
  for (const event of events) {
    const key = batchKey(event.position);
    if (key !== groupKey && group.length > 0) {
      complete.push(toBatch(group));
      group = [];
    }
    groupKey = key;
    group.push(event);
  }
  return { complete, open: group };
}

export function toBatch(group: readonly PositionedMetric[]): Batch {
  const first = group[0];
  if (!first) throw new Error("empty batch");
  const { ms, seq } = positionFromKey(first.position);
  return {
    id: `${ms}-${seq}`,
    source: first.metric.source,
    count: group.length,
    timestamp: new Date(ms).toISOString(),
    metrics: group.map((event) => event.metric),
  };
}

function batchKey(position: string): string {
  // ms and seq are the first two fixed-width fields of the key.
  return position.slice(0, position.lastIndexOf("-"));
}
