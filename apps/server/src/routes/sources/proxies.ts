// GET /api/v1/sources/{source}/proxies: how each proxy of a source fared over the last hour or
// day (SPEC 15): navigations, success and block rates, p50/p95 navigation duration.
import { createRoute } from "@hono/zod-openapi";
import { ProxyFigureStore } from "@scrapewatch/db";
import { ProxyWindow, SourceName, SourceProxies } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";

const WINDOWS = { "1h": 3_600_000, "24h": 86_400_000 } as const;

const ProxiesPath = z.object({
  source: SourceName.meta({ param: { name: "source", in: "path" }, example: "shop-scraper" }),
});

const ProxiesQuery = z.object({ window: ProxyWindow.default("1h") });

export const listProxiesRoute = createRoute({
  method: "get",
  path: "/api/v1/sources/{source}/proxies",
  operationId: "listSourceProxies",
  summary: "Navigation figures of a source per proxy",
  description:
    "Per proxy: navigations, success rate, block rate and p50/p95 navigation duration, from stored events.",
  tags: ["history"],
  ...guarded("read"),
  request: { params: ProxiesPath, query: ProxiesQuery },
  responses: { 200: json(SourceProxies, "The source's proxies"), ...errors(400, 401, 403) },
});

export function registerListProxies(app: App): void {
  app.openapi(listProxiesRoute, async (c) => {
    const { source } = c.req.valid("param");
    const { window } = c.req.valid("query");
    const since = new Date(Date.now() - WINDOWS[window]);
    const proxies = await new ProxyFigureStore(c.get("services").database).figures(source, since);
    return c.json({ source, window, windowStart: since.toISOString(), proxies }, 200);
  });
}
