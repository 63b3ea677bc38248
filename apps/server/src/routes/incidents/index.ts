// The incident routes: GET /api/v1/incidents[/{id}].
import type { App } from "../../app-types.ts";
import { registerGetIncident } from "./get.ts";
import { registerListIncidents } from "./list.ts";

export function registerIncidentRoutes(app: App): void {
  registerListIncidents(app);
  registerGetIncident(app);
}
