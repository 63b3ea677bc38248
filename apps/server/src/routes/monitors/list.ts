// GET /api/v1/monitors: every source's monitor, in source order, paged.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Monitor } from "./components.ts";
import { MonitorsQuery } from "./params.ts";

const MonitorPage = z
  .object({
    items: z.array(Monitor),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "The last source of a full page; pass as `after`." }),
  })
  .meta({ id: "MonitorPage" });

export const listMonitorsRoute = createRoute({
  method: "get",
  path: "/api/v1/monitors",
  operationId: "listMonitors",
  summary: "Every source's monitor",
  description:
    "Every source has a monitor from its first event (or first PUT), with defaults: silence after its learned rhythm, failures, blocks and anomalies.",
  tags: ["monitors"],
  ...guarded("read"),
  request: { query: MonitorsQuery },
  responses: { 200: json(MonitorPage, "A page of monitors"), ...errors(400, 401, 403) },
});

export function registerListMonitors(app: App): void {
  app.openapi(listMonitorsRoute, (c) => {
    const query = c.req.valid("query");
    return c.json(c.get("services").monitors.directory.list(query), 200);
  });
}
