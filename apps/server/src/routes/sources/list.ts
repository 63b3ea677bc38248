// GET /api/v1/sources: every known source, when it was last seen, and its last hour of figures.
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { parseQuery, type RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";

const TypeFigures = z.object({
  count: z.number().int(),
  successes: z.number().int(),
  successRate: z.number().nullable(),
  items: z.number().int().meta({ description: "Items extracted (scrapes) or processed (schedulers)." }),
  p50DurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
});

const SourceEntry = z.object({
  source: z.string(),
  kind: z.enum(["scraper", "scheduler"]),
  lastSeen: z.string().nullable().meta({ format: "date-time" }),
  lastHour: z.object({ navigation: TypeFigures, scrape: TypeFigures, scheduler: TypeFigures }),
});

const SourcesResponse = z.object({
  sources: z.array(SourceEntry),
  windowStart: z.string().meta({
    format: "date-time",
    description:
      "Start of the figures' window: an hour ago, or the server's start when it is younger (figures are kept in memory; percentiles within 5 %).",
  }),
});

const SourcesQuery = z.object({});

export const listSourcesSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/sources",
  summary: "Known sources with live figures of the last hour",
  tag: "history",
  auth: "read",
  query: SourcesQuery,
  responses: { 200: { description: "The sources, by name", schema: SourcesResponse } },
};

export function registerListSources(app: App): void {
  app.get(listSourcesSpec.path, requireRead, async (c) => {
    parseQuery(c, SourcesQuery);
    const { history, startedAt } = c.get("services");
    const known = await history.sources.list();
    const entries = new Map<string, z.output<typeof SourceEntry>>();
    for (const source of known) {
      entries.set(source.source, {
        source: source.source,
        kind: source.kind,
        lastSeen: source.lastSeen.toISOString(),
        lastHour: history.live.figures(source.source),
      });
    }
    // Sources newer than the cached directory, or not yet written.
    for (const source of history.live.sourcesSeen()) {
      const figures = history.live.figures(source);
      const entry = entries.get(source);
      const lastSeen =
        [entry?.lastSeen, figures.lastSeen]
          .filter((t): t is string => !!t)
          .sort()
          .pop() ?? null;
      entries.set(source, {
        source,
        kind: entry?.kind ?? (figures.scheduler.count > 0 ? "scheduler" : "scraper"),
        lastSeen,
        lastHour: figures,
      });
    }
    const windowStart = new Date(Math.max(Date.now() - 3_600_000, startedAt)).toISOString();
    const sources = [...entries.values()].sort((a, b) => a.source.localeCompare(b.source));
    return c.json({ sources, windowStart });
  });
}
