// PUT /api/v1/monitors/{source} (admin): merges the given settings into the monitor's, answers it.
// A source may be configured before it ever sends anything.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { InvalidSetting } from "../../monitors/monitor-settings.ts";
import { Monitor, MonitorSettingsPatch } from "./components.ts";
import { SourcePath } from "./params.ts";

export const putMonitorRoute = createRoute({
  method: "put",
  path: "/api/v1/monitors/{source}",
  operationId: "updateMonitor",
  summary: "Change a monitor's settings (merged into the current ones)",
  description:
    "Nested objects merge field by field. A cron schedule has 5 fields, or 6 with seconds, and an IANA timezone; a bad setting is a 400 naming the field.",
  tags: ["monitors"],
  ...guarded("admin"),
  request: {
    params: SourcePath,
    body: { required: true, content: { "application/json": { schema: MonitorSettingsPatch } } },
  },
  responses: { 200: json(Monitor, "The monitor with its new settings"), ...errors(400, 401, 403) },
});

export function registerPutMonitor(app: App): void {
  app.openapi(putMonitorRoute, async (c) => {
    const { source } = c.req.valid("param");
    const patch = c.req.valid("json");
    try {
      return c.json(await c.get("services").monitors.directory.update(source, patch), 200);
    } catch (error) {
      if (!(error instanceof InvalidSetting)) throw error;
      throw new ApiError("bad_request", `invalid body ${error.message}`, {
        issues: [{ param: error.field, message: error.message }],
      });
    }
  });
}
