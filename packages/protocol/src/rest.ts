// Answers of the REST read routes that clients (the dashboard, the SDK, scripts) consume: one
// definition for the server's OpenAPI entries and for the readers' types. Their OpenAPI component
// names (`.meta({ id })`) are given here, once: a schema named by a copy elsewhere would be
// inlined wherever another schema nests the original.
import { z } from "zod";
import { AnomalySchema } from "./batch.ts";
import { MetricSchema } from "./events.ts";

/** One kind of event of one source over the last hour. */
export const SourceFigures = z
  .object({
    count: z.number().int(),
    successes: z.number().int(),
    successRate: z.number().nullable(),
    items: z.number().int().meta({ description: "Items extracted (scrapes) or processed (schedulers)." }),
    p50DurationMs: z.number().nullable(),
    p95DurationMs: z.number().nullable(),
  })
  .meta({ id: "TypeFigures" });
export type SourceFigures = z.infer<typeof SourceFigures>;

/** Scraper health of a source's navigations (SPEC 15). */
export const HealthFigures = z
  .object({
    blockRate5m: z
      .number()
      .nullable()
      .meta({ description: "Blocked / all navigations of the last 5 minutes." }),
    blockRate1h: z.number().nullable().meta({ description: "Blocked / all navigations of the last hour." }),
    statusClasses: z
      .object({
        "2xx": z.number().int(),
        "3xx": z.number().int(),
        "4xx": z.number().int(),
        "5xx": z.number().int(),
      })
      .meta({
        description: "Navigations of the last hour per status class (those without a status are left out).",
      }),
    topBlockReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  })
  .meta({ id: "HealthFigures" });
export type HealthFigures = z.infer<typeof HealthFigures>;

/** The most proxies `GET /api/v1/sources/{source}/proxies` lists, busiest first. */
export const MAX_PROXIES = 100;

export const ProxyWindow = z.enum(["1h", "24h"]).meta({ description: "How far back: the last hour or day." });
export type ProxyWindow = z.infer<typeof ProxyWindow>;

/** How one proxy of a source fared (`GET /api/v1/sources/{source}/proxies`). */
export const ProxyFigures = z
  .object({
    proxy: z
      .string()
      .nullable()
      .meta({ description: "host:port or label; null for navigations without a proxy." }),
    navigations: z.number().int(),
    successRate: z.number(),
    blockRate: z.number(),
    p50DurationMs: z.number().nullable(),
    p95DurationMs: z.number().nullable(),
  })
  .meta({ id: "ProxyFigures" });
export type ProxyFigures = z.infer<typeof ProxyFigures>;

export const SourceProxies = z
  .object({
    source: z.string(),
    window: ProxyWindow,
    windowStart: z.string().meta({ format: "date-time" }),
    proxies: z.array(ProxyFigures).meta({ description: `Busiest first, at most ${MAX_PROXIES}.` }),
  })
  .meta({ id: "SourceProxies" });
export type SourceProxies = z.infer<typeof SourceProxies>;

/** One entry of `GET /api/v1/sources`. */
export const SourceSummary = z
  .object({
    source: z.string(),
    kind: z.enum(["scraper", "scheduler"]),
    lastSeen: z.string().nullable().meta({ format: "date-time" }),
    lastHour: z.object({
      navigation: SourceFigures,
      scrape: SourceFigures,
      scheduler: SourceFigures,
      health: HealthFigures,
    }),
  })
  .meta({ id: "SourceEntry" });
export type SourceSummary = z.infer<typeof SourceSummary>;

/** A page of `GET /api/v1/sources`, by name. */
export const SourcesResponse = z
  .object({
    sources: z.array(SourceSummary),
    windowStart: z.string().meta({
      format: "date-time",
      description:
        "Start of the figures' window: an hour ago, or the server's start when it is younger (figures are kept in memory; percentiles within 5 %).",
    }),
    nextCursor: z.string().nullable().meta({
      description: "Pass as `after` for the next page (the last source's name); null on the last page.",
    }),
  })
  .meta({ id: "SourcesPage" });
export type SourcesResponse = z.infer<typeof SourcesResponse>;

const Count = z.number().int();
const Figure = z.number().nullable();

/** One scraper's UTC day (`GET /api/v1/summaries/daily`): counts, and figures null without events. */
export const DailySummary = z
  .object({
    source: z.string(),
    date: z.string().meta({ format: "date" }),
    totalNavigations: Count,
    successfulNavigations: Count,
    totalScrapes: Count,
    successfulScrapes: Count,
    avgNavigationMs: Figure,
    minNavigationMs: Figure,
    maxNavigationMs: Figure,
    p50NavigationMs: Figure,
    p95NavigationMs: Figure,
    p99NavigationMs: Figure,
    avgScrapeMs: Figure,
    minScrapeMs: Figure,
    maxScrapeMs: Figure,
    p50ScrapeMs: Figure,
    p95ScrapeMs: Figure,
    p99ScrapeMs: Figure,
    avgRetries: Figure,
    totalItems: Count,
    avgItems: Figure,
    /** Scraper health (SPEC 15): navigations that were blocked, and per status class. */
    blockedNavigations: Count,
    status2xx: Count,
    status3xx: Count,
    status4xx: Count,
    status5xx: Count,
  })
  .meta({ id: "ScraperSummary" });
export type DailySummary = z.infer<typeof DailySummary>;

/** One scheduled job's UTC day (`GET /api/v1/summaries/scheduler`). */
export const SchedulerSummary = z
  .object({
    source: z.string(),
    date: z.string().meta({ format: "date" }),
    totalRuns: Count,
    successfulRuns: Count,
    avgDurationMs: Figure,
    minDurationMs: Figure,
    maxDurationMs: Figure,
    p50DurationMs: Figure,
    p95DurationMs: Figure,
    p99DurationMs: Figure,
    totalItems: Count,
    avgItems: Figure,
  })
  .meta({ id: "SchedulerSummary" });
export type SchedulerSummary = z.infer<typeof SchedulerSummary>;

export const DailySummaryList = z.object({ items: z.array(DailySummary) }).meta({ id: "ScraperSummaryList" });
export type DailySummaryList = z.infer<typeof DailySummaryList>;
export const SchedulerSummaryList = z
  .object({ items: z.array(SchedulerSummary) })
  .meta({ id: "SchedulerSummaryList" });
export type SchedulerSummaryList = z.infer<typeof SchedulerSummaryList>;

/** A stored event as `GET /api/v1/metrics` answers it: the metric plus its event cursor. */
export const MetricItem = z
  .intersection(
    MetricSchema,
    z.object({ cursor: z.string().meta({ description: "The event cursor m-s-i; pass it as `after`." }) }),
  )
  .meta({ id: "MetricItem" });
export type MetricItem = z.infer<typeof MetricItem>;

export const MetricPage = z
  .object({
    items: z.array(MetricItem),
    nextCursor: z.string().nullable().meta({
      description:
        "Pass as `after` for the next page: the last item's cursor, or the `after` given when the page is empty (keep polling with it); null only when nothing is stored yet and no `after` was given.",
    }),
    hasMore: z.boolean().meta({ description: "The page is full: more may follow at once." }),
  })
  .meta({ id: "MetricPage" });
export type MetricPage = z.infer<typeof MetricPage>;

export const AnomalyPage = z
  .object({
    items: z.array(AnomalySchema),
    nextCursor: z.string().nullable().meta({
      description: "The last item's id, or the `after` given when the page is empty; pass as `after`.",
    }),
  })
  .meta({ id: "AnomalyPage" });
export type AnomalyPage = z.infer<typeof AnomalyPage>;
