// GET /api/v1/incidents/{id}: one incident with its deliveries.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Incident } from "../monitors/components.ts";
import { IncidentId } from "./list.ts";

const IncidentPath = z.object({
  id: IncidentId.meta({ param: { name: "id", in: "path" }, example: "01M94TY1P24ZBEK10000000006" }),
});

export const getIncidentRoute = createRoute({
  method: "get",
  path: "/api/v1/incidents/{id}",
  operationId: "getIncident",
  summary: "One incident, with its notifications",
  tags: ["monitors"],
  ...guarded("read"),
  request: { params: IncidentPath },
  responses: { 200: json(Incident, "The incident"), ...errors(400, 401, 403, 404) },
});

export function registerGetIncident(app: App): void {
  app.openapi(getIncidentRoute, async (c) => {
    const { id } = c.req.valid("param");
    const incident = await c.get("services").monitors.directory.incident(id);
    if (!incident) throw new ApiError("not_found", `no incident ${id}`);
    return c.json(incident, 200);
  });
}
