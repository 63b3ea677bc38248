// GET /api/v1/metrics: stored events in cursor order, the same cursor space as the streams, so a
// client may switch between polling and streaming with its last cursor.
import { createRoute } from "@hono/zod-openapi";
import type { Metric } from "@scrapewatch/protocol";
import type { App } from "../../app-types.ts";
import { MetricPage } from "../../http/components.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { limitParam } from "../../http/query-params.ts";
import { cursorOf, eventQuery, MetricFilters } from "./query.ts";

export const MAX_PAGE = 1000;

const ListQuery = MetricFilters.extend({ limit: limitParam(MAX_PAGE, 100) });

export const listMetricsRoute = createRoute({
  method: "get",
  path: "/api/v1/metrics",
  operationId: "listMetrics",
  summary: "Page through stored events in cursor order",
  description:
    "Without `after`, paging starts at the oldest stored event. Items carry the ingest field names, `id`, `timestamp` and their event `cursor`.",
  tags: ["history"],
  ...guarded("read"),
  request: { query: ListQuery },
  responses: { 200: json(MetricPage, "A page of events"), ...errors(400, 401, 403) },
});

export function registerListMetrics(app: App): void {
  app.openapi(listMetricsRoute, async (c) => {
    const query = c.req.valid("query");
    const { store, writer } = c.get("services");
    const rows = await store.read(eventQuery(query, query.limit, writer.oldestPendingPosition));
    const items = rows.map((row) => ({ ...withRunState(row.metric), cursor: cursorOf(row.position) }));
    const last = items[items.length - 1];
    return c.json(
      { items, nextCursor: last?.cursor ?? query.after ?? null, hasMore: items.length === query.limit },
      200,
    );
  });
}

/** Scheduler events stored before runs had states are finished runs (the response says so). */
function withRunState(metric: Metric) {
  return metric.type === "scheduler" ? { ...metric, state: metric.state ?? "finished" } : metric;
}
