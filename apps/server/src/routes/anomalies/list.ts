// GET /api/v1/anomalies: stored anomalies in detection order, paged by id.
import { AnomalySchema } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { limitParam, SourcesParam, TimeParam } from "../../http/query-params.ts";
import { parseQuery, type RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";

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

const AnomalyPage = z.object({
  items: z.array(AnomalySchema),
  nextCursor: z.string().nullable().meta({
    description: "The last item's id, or the `after` given when the page is empty; pass as `after`.",
  }),
});

export const listAnomaliesSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/anomalies",
  summary: "Detected anomalies, oldest first",
  description:
    "Rolling per-source baselines (median and MAD of recent samples) of navigation and scrape durations, success rate and items extracted; a value beyond ANOMALY_THRESHOLD deviations is flagged, then the (source, metric) stays quiet for a minute.",
  tag: "history",
  auth: "read",
  query: AnomaliesQuery,
  responses: { 200: { description: "A page of anomalies", schema: AnomalyPage } },
};

export function registerListAnomalies(app: App): void {
  app.get(listAnomaliesSpec.path, requireRead, async (c) => {
    const query = parseQuery(c, AnomaliesQuery);
    const items = await c.get("services").history.anomalies.list({
      sources: query.source,
      after: query.after,
      since: query.since,
      limit: query.limit,
    });
    return c.json({ items, nextCursor: items[items.length - 1]?.id ?? query.after ?? null });
  });
}
