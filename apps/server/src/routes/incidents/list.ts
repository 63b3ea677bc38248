// GET /api/v1/incidents: incidents newest first, filtered, paged, each with its deliveries.
import { createRoute } from "@hono/zod-openapi";
import { INCIDENT_KINDS, SourceName } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { limitParam } from "../../http/query-params.ts";
import { Incident } from "../monitors/components.ts";

export const IncidentId = z.string().regex(/^[0-9A-Z]{26}$/, "must be an incident id");

const IncidentsQuery = z.object({
  state: z.enum(["open", "resolved"]).optional(),
  source: SourceName.optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  after: IncidentId.optional().meta({
    description: "Only incidents older than this id (the previous page's nextCursor).",
  }),
  limit: limitParam(1000, 100),
});

const IncidentPage = z
  .object({
    items: z.array(Incident),
    nextCursor: z.string().nullable().meta({ description: "The last id of a full page; pass as `after`." }),
  })
  .meta({ id: "IncidentPage" });

export const listIncidentsRoute = createRoute({
  method: "get",
  path: "/api/v1/incidents",
  operationId: "listIncidents",
  summary: "Incidents, newest first, with their notifications",
  tags: ["monitors"],
  ...guarded("read"),
  request: { query: IncidentsQuery },
  responses: { 200: json(IncidentPage, "A page of incidents"), ...errors(400, 401, 403) },
});

export function registerListIncidents(app: App): void {
  app.openapi(listIncidentsRoute, async (c) => {
    const query = c.req.valid("query");
    return c.json(await c.get("services").monitors.directory.incidents(query), 200);
  });
}
