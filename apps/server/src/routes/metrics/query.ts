// The filters of the metric read routes (list and export).
import type { EventQuery } from "@scrapewatch/db";
import {
  formatCursor,
  type Position,
  parseCursor,
  positionFromKey,
  positionKey,
} from "@scrapewatch/protocol";
import { z } from "zod";
import { CursorParam, SourcesParam, TimeParam, TypeParam } from "../../http/query-params.ts";

export const MetricFilters = z.object({
  source: SourcesParam.optional(),
  type: TypeParam.optional(),
  from: TimeParam.optional().meta({ description: "Events at or after this time." }),
  to: TimeParam.optional().meta({ description: "Events before this time." }),
  after: CursorParam.optional(),
});

type Filters = z.output<typeof MetricFilters>;

/** The store query for the filters, reading up to the newest position with nothing unwritten before it. */
export function eventQuery(filters: Filters, limit: number, oldestPending: string | null): EventQuery {
  const after = filters.after === undefined ? null : parseCursor(filters.after);
  return {
    afterKey: after ? positionKey(after) : undefined,
    untilKey: oldestPending ? keyBefore(positionFromKey(oldestPending)) : undefined,
    sources: filters.source,
    type: filters.type,
    from: filters.from,
    to: filters.to,
    limit,
  };
}

export function cursorOf(position: string): string {
  return formatCursor(positionFromKey(position));
}

/** The largest key strictly before the position's key (an inclusive upper bound). */
function keyBefore(position: Position): string {
  const index = position.index ?? 0;
  if (index > 0) return positionKey({ ...position, index: index - 1 });
  if (position.seq > 0) return positionKey({ ms: position.ms, seq: position.seq - 1 });
  return positionKey({ ms: position.ms - 1, seq: 9_999_999_999 });
}
