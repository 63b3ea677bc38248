// GET /api/v1/metrics: stored events in cursor order, the same cursor space as the streams, so a
// client may switch between polling and streaming with its last cursor.
import type { App } from "../../app-types.ts";
import { limitParam } from "../../http/query-params.ts";
import { parseQuery, type RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";
import { cursorOf, eventQuery, MetricFilters, MetricPage } from "./query.ts";

export const MAX_PAGE = 1000;

const ListQuery = MetricFilters.extend({ limit: limitParam(MAX_PAGE, 100) });

export const listMetricsSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/metrics",
  summary: "Page through stored events in cursor order",
  description:
    "Without `after`, paging starts at the oldest stored event. Items carry the ingest field names, `id`, `timestamp` and their event `cursor`.",
  tag: "history",
  auth: "read",
  query: ListQuery,
  responses: { 200: { description: "A page of events", schema: MetricPage } },
};

export function registerListMetrics(app: App): void {
  app.get(listMetricsSpec.path, requireRead, async (c) => {
    const query = parseQuery(c, ListQuery);
    const { store, writer } = c.get("services");
    const rows = await store.read(eventQuery(query, query.limit, writer.oldestPendingPosition));
    const items = rows.map((row) => ({ ...row.metric, cursor: cursorOf(row.position) }));
    const last = items[items.length - 1];
    return c.json({
      items,
      nextCursor: last?.cursor ?? query.after ?? null,
      hasMore: items.length === query.limit,
    });
  });
}
