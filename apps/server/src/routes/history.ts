// Registers the history and operations routes (REST reads, export, summaries, anomalies, stats,
// readiness, Prometheus, OpenAPI and its docs page) and lists their specs for the document.
import type { App } from "../app-types.ts";
import type { RouteSpec } from "../http/route-spec.ts";
import { listAnomaliesSpec, registerListAnomalies } from "./anomalies/list.ts";
import { openApiSpec, registerOpenApi } from "./docs/openapi.ts";
import { TRANSPORT_ROUTES } from "./docs/transport-routes.ts";
import { readyzSpec, registerReadyz } from "./health/readyz.ts";
import { exportMetricsSpec, registerExportMetrics } from "./metrics/export.ts";
import { listMetricsSpec, registerListMetrics } from "./metrics/list.ts";
import { prometheusSpec, registerPrometheus } from "./ops/prometheus.ts";
import { listSourcesSpec, registerListSources } from "./sources/list.ts";
import { registerStats, statsSpec } from "./stats/stats.ts";
import { dailySummariesSpec, registerSummaries, schedulerSummariesSpec } from "./summaries/daily.ts";

export const HISTORY_ROUTES: RouteSpec[] = [
  listMetricsSpec,
  exportMetricsSpec,
  listSourcesSpec,
  dailySummariesSpec,
  schedulerSummariesSpec,
  listAnomaliesSpec,
  statsSpec,
  readyzSpec,
  prometheusSpec,
  openApiSpec,
];

/** Every route of the API, as the OpenAPI document lists them. */
export const ALL_ROUTES: RouteSpec[] = [...TRANSPORT_ROUTES, ...HISTORY_ROUTES];

export function registerHistoryRoutes(app: App): void {
  // The export's path is more specific than the list's: registered first for clarity.
  registerExportMetrics(app);
  registerListMetrics(app);
  registerListSources(app);
  registerSummaries(app);
  registerListAnomalies(app);
  registerStats(app);
  registerReadyz(app);
  registerPrometheus(app);
  registerOpenApi(app, () => ALL_ROUTES);
}
