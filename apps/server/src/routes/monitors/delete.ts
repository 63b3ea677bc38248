// DELETE /api/v1/monitors/{source} (admin): the monitor's settings back to the defaults.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded } from "../../http/openapi.ts";
import { SourcePath } from "./params.ts";

export const deleteMonitorRoute = createRoute({
  method: "delete",
  path: "/api/v1/monitors/{source}",
  operationId: "resetMonitor",
  summary: "Put a monitor's settings back to the defaults",
  tags: ["monitors"],
  ...guarded("admin"),
  request: { params: SourcePath },
  responses: { 204: { description: "Back to the defaults" }, ...errors(400, 401, 403, 404) },
});

export function registerDeleteMonitor(app: App): void {
  app.openapi(deleteMonitorRoute, async (c) => {
    const { source } = c.req.valid("param");
    if (!(await c.get("services").monitors.directory.reset(source))) {
      throw new ApiError("not_found", `no monitor for ${source}: never seen nor configured`);
    }
    return c.body(null, 204);
  });
}
