// The monitor routes: GET (list, one), PUT and DELETE /api/v1/monitors[/{source}].
import type { App } from "../../app-types.ts";
import { registerDeleteMonitor } from "./delete.ts";
import { registerGetMonitor } from "./get.ts";
import { registerListMonitors } from "./list.ts";
import { registerPutMonitor } from "./put.ts";

export function registerMonitorRoutes(app: App): void {
  registerListMonitors(app);
  registerGetMonitor(app);
  registerPutMonitor(app);
  registerDeleteMonitor(app);
}
