// GET /api/v1/monitors/{source}: one monitor; 404 for a source neither seen nor configured.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Monitor } from "./components.ts";
import { SourcePath } from "./params.ts";

export const getMonitorRoute = createRoute({
  method: "get",
  path: "/api/v1/monitors/{source}",
  operationId: "getMonitor",
  summary: "One source's monitor",
  tags: ["monitors"],
  ...guarded("read"),
  request: { params: SourcePath },
  responses: { 200: json(Monitor, "The monitor"), ...errors(400, 401, 403, 404) },
});

export function registerGetMonitor(app: App): void {
  app.openapi(getMonitorRoute, (c) => {
    const { source } = c.req.valid("param");
    const monitor = c.get("services").monitors.directory.get(source);
    if (!monitor) throw new ApiError("not_found", `no monitor for ${source}: never seen nor configured`);
    return c.json(monitor, 200);
  });
}
