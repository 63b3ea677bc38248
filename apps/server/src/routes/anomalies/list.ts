// GET /api/v1/anomalies: stored anomalies in detection order, paged by id.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { AnomalyPage } from "../../http/components.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { limitParam, SourcesParam, TimeParam } from "../../http/query-params.ts";

const AnomaliesQuery = z.object({
  source: SourcesParam.optional(),
  after: z
    .string()
    .regex(/^[0-9A-Z]{26}$/, "must be an anomaly id")
    .optional()
    .meta({ description: "Only anomalies after this id (the previous page's nextCursor)." }),
  since: TimeParam.optional().meta({ description: "Only anomalies detected at or after this time." }),
  limit: limitParam(1000, 100),
});

export const listAnomaliesRoute = createRoute({
  method: "get",
  path: "/api/v1/anomalies",
  operationId: "listAnomalies",
  summary: "Detected anomalies, oldest first",
  description:
    "Rolling per-source baselines (median and MAD of recent samples) of navigation and scrape durations, success rate and items extracted; a value beyond ANOMALY_THRESHOLD deviations is flagged, then the (source, metric) stays quiet for a minute.",
  tags: ["history"],
  ...guarded("read"),
  request: { query: AnomaliesQuery },
  responses: { 200: json(AnomalyPage, "A page of anomalies"), ...errors(400, 401, 403) },
});

export function registerListAnomalies(app: App): void {
  app.openapi(listAnomaliesRoute, async (c) => {
    const query = c.req.valid("query");
    const items = await c.get("services").history.anomalies.list({
      sources: query.source,
      after: query.after,
      since: query.since,
      limit: query.limit,
    });
    return c.json({ items, nextCursor: items[items.length - 1]?.id ?? query.after ?? null }, 200);
  });
}
