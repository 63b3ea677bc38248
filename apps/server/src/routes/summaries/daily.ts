// GET /api/v1/summaries/daily (scrapers) and /api/v1/summaries/scheduler: the nightly roll-ups.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { SchedulerSummaryList, ScraperSummaryList } from "../../http/components.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { DateParam, SourcesParam } from "../../http/query-params.ts";

const SummaryQuery = z.object({
  source: SourcesParam.optional(),
  from: DateParam.optional().meta({ description: "First UTC day, inclusive." }),
  to: DateParam.optional().meta({ description: "Last UTC day, inclusive." }),
});

const PERCENTILES =
  "Percentiles are nearest-rank: the value at rank ceil(p·n/100) of the day's sorted durations.";

export const dailySummariesRoute = createRoute({
  method: "get",
  path: "/api/v1/summaries/daily",
  operationId: "listScraperSummaries",
  summary: "Daily summaries of scrapers (navigations and scrapes), per source and UTC day",
  description: PERCENTILES,
  tags: ["history"],
  ...guarded("read"),
  request: { query: SummaryQuery },
  responses: {
    200: json(ScraperSummaryList, "Summaries by date, then source"),
    ...errors(400, 401, 403),
  },
});

export const schedulerSummariesRoute = createRoute({
  method: "get",
  path: "/api/v1/summaries/scheduler",
  operationId: "listSchedulerSummaries",
  summary: "Daily summaries of scheduled jobs, per source and UTC day",
  description: PERCENTILES,
  tags: ["history"],
  ...guarded("read"),
  request: { query: SummaryQuery },
  responses: {
    200: json(SchedulerSummaryList, "Summaries by date, then source"),
    ...errors(400, 401, 403),
  },
});

export function registerSummaries(app: App): void {
  app.openapi(dailySummariesRoute, async (c) => {
    const query = c.req.valid("query");
    const items = await c
      .get("services")
      .history.summaries.scraperSummaries({ sources: query.source, from: query.from, to: query.to });
    return c.json({ items }, 200);
  });
  app.openapi(schedulerSummariesRoute, async (c) => {
    const query = c.req.valid("query");
    const items = await c
      .get("services")
      .history.summaries.schedulerSummaries({ sources: query.source, from: query.from, to: query.to });
    return c.json({ items }, 200);
  });
}
