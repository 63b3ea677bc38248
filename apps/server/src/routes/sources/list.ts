// GET /api/v1/sources: known sources by name, when each was last seen, and its last hour of
// figures; paged by name (`after`, `limit`) so a fleet of thousands does not come in one answer.
import { createRoute } from "@hono/zod-openapi";
import { SourceName, type SourceSummary } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { SourcesPage } from "../../http/components.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { limitParam } from "../../http/query-params.ts";

export const MAX_SOURCES_PAGE = 1000;

const SourcesQuery = z.object({
  after: SourceName.optional().meta({ description: "Only sources whose name sorts after this one." }),
  limit: limitParam(MAX_SOURCES_PAGE, MAX_SOURCES_PAGE),
});

export const listSourcesRoute = createRoute({
  method: "get",
  path: "/api/v1/sources",
  operationId: "listSources",
  summary: "Known sources with live figures of the last hour",
  tags: ["history"],
  ...guarded("read"),
  request: { query: SourcesQuery },
  responses: { 200: json(SourcesPage, "The sources, by name"), ...errors(400, 401, 403) },
});

export function registerListSources(app: App): void {
  app.openapi(listSourcesRoute, async (c) => {
    const { after, limit } = c.req.valid("query");
    const { history, startedAt } = c.get("services");
    const entries = new Map<string, SourceSummary>();
    for (const source of await history.sources.list()) {
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
    // Code-unit order, the same order `after` pages through.
    const sorted = [...entries.values()]
      .filter((entry) => after === undefined || entry.source > after)
      .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    const sources = sorted.slice(0, limit);
    const nextCursor = sorted.length > limit ? (sources[sources.length - 1]?.source ?? null) : null;
    return c.json({ sources, windowStart, nextCursor }, 200);
  });
}
