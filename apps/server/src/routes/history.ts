// Registers the history and operations routes (REST reads, export, docs, readiness, Prometheus),
// and lists their specs for the OpenAPI document.
import type { App } from "../app-types.ts";
import type { RouteSpec } from "../http/route-spec.ts";
import { listMetricsSpec, registerListMetrics } from "./metrics/list.ts";

export const HISTORY_ROUTES: RouteSpec[] = [listMetricsSpec];

export function registerHistoryRoutes(app: App): void {
  registerListMetrics(app);
}
