// GET /api/v1/summaries/daily (scrapers) and /api/v1/summaries/scheduler: the nightly roll-ups.
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

const ms = z.number().nullable();
const ScraperSummary = z.object({
  source: z.string(),
  date: z.string().meta({ format: "date" }),
  totalNavigations: z.number().int(),
  successfulNavigations: z.number().int(),
  totalScrapes: z.number().int(),
  successfulScrapes: z.number().int(),
  avgNavigationMs: ms,
  minNavigationMs: ms,
  maxNavigationMs: ms,
  p50NavigationMs: ms,
  p95NavigationMs: ms,
  p99NavigationMs: ms,
  avgScrapeMs: ms,
  minScrapeMs: ms,
  maxScrapeMs: ms,
  p50ScrapeMs: ms,
  p95ScrapeMs: ms,
  p99ScrapeMs: ms,
  avgRetries: z.number().nullable(),
  totalItems: z.number().int(),
  avgItems: z.number().nullable(),
});
const SchedulerSummary = z.object({
  source: z.string(),
  date: z.string().meta({ format: "date" }),
  totalRuns: z.number().int(),
  successfulRuns: z.number().int(),
  avgDurationMs: ms,
  minDurationMs: ms,
  maxDurationMs: ms,
  p50DurationMs: ms,
  p95DurationMs: ms,
  p99DurationMs: ms,
  totalItems: z.number().int(),
  avgItems: z.number().nullable(),
});

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
