// GET /api/v1/summaries/daily (scrapers) and /api/v1/summaries/scheduler: the nightly roll-ups.
import { SCHEDULER_SUMMARY_FIELDS, SCRAPER_SUMMARY_FIELDS, type SummaryFieldKind } from "@scrapewatch/db";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { DateParam, SourcesParam } from "../../http/query-params.ts";
import { parseQuery, type RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";

const SummaryQuery = z.object({
  source: SourcesParam.optional(),
  from: DateParam.optional().meta({ description: "First UTC day, inclusive." }),
  to: DateParam.optional().meta({ description: "Last UTC day, inclusive." }),
});

// The response schemas come from the same column tables as the SQL (packages/db summary-rows).
const FIELD_SCHEMA: Record<SummaryFieldKind, () => z.ZodType> = {
  text: () => z.string(),
  date: () => z.string().meta({ format: "date" }),
  count: () => z.number().int(),
  value: () => z.number().nullable(),
};

function summarySchema(fields: Record<string, SummaryFieldKind>) {
  return z.object(
    Object.fromEntries(Object.entries(fields).map(([field, kind]) => [field, FIELD_SCHEMA[kind]()])),
  );
}

const ScraperSummary = summarySchema(SCRAPER_SUMMARY_FIELDS);
const SchedulerSummary = summarySchema(SCHEDULER_SUMMARY_FIELDS);

const PERCENTILES =
  "Percentiles are nearest-rank: the value at rank ceil(p·n/100) of the day's sorted durations.";

export const dailySummariesSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/summaries/daily",
  summary: "Daily summaries of scrapers (navigations and scrapes), per source and UTC day",
  description: PERCENTILES,
  tag: "history",
  auth: "read",
  query: SummaryQuery,
  responses: {
    200: {
      description: "Summaries by date, then source",
      schema: z.object({ items: z.array(ScraperSummary) }),
    },
  },
};

export const schedulerSummariesSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/summaries/scheduler",
  summary: "Daily summaries of scheduled jobs, per source and UTC day",
  description: PERCENTILES,
  tag: "history",
  auth: "read",
  query: SummaryQuery,
  responses: {
    200: {
      description: "Summaries by date, then source",
      schema: z.object({ items: z.array(SchedulerSummary) }),
    },
  },
};

export function registerSummaries(app: App): void {
  app.get(dailySummariesSpec.path, requireRead, async (c) => {
    const query = parseQuery(c, SummaryQuery);
    const items = await c
      .get("services")
      .history.summaries.scraperSummaries({ sources: query.source, ...range(query) });
    return c.json({ items });
  });
  app.get(schedulerSummariesSpec.path, requireRead, async (c) => {
    const query = parseQuery(c, SummaryQuery);
    const items = await c
      .get("services")
      .history.summaries.schedulerSummaries({ sources: query.source, ...range(query) });
    return c.json({ items });
  });
}

function range(query: { from?: string; to?: string }) {
  return { from: query.from, to: query.to };
}
