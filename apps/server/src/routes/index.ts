// Every route of the API, registered in one place. The OpenAPI document is generated from these
// registrations, so a route registered here is documented, validated and typed by its declaration.
//
// How to add a route (e.g. GET /api/v1/monitors/{id}):
// 1. Create routes/<resource>/<verb>.ts with `export const getMonitorRoute = createRoute({...})`
//    (createRoute from @hono/zod-openapi): method, path ({id} style), a unique operationId,
//    summary, tags, `...guarded("read" | "ingest" | "admin")` (token guard + security) or `...OPEN`,
//    `request: { params, query, body }` as zod schemas, and `responses: { 200: json(Schema, "what"),
//    ...errors(400, 401, 403, 404) }` listing every status it can answer (http/openapi.ts).
// 2. Name reusable schemas with `.meta({ id: "Monitor" })` (they become components/schemas/Monitor).
// 3. `export function registerGetMonitor(app: App) { app.openapi(getMonitorRoute, (c) => ...) }`:
//    read input with `c.req.valid("param" | "query" | "json")`, answer `c.json(body, 200)`.
// 4. Errors: throw `new ApiError(code, message)` (http/api-error.ts; add a code there with its
//    status); never build error bodies by hand. Bad input is answered 400 by the default hook.
// 5. Call your register function below. The contract test (routes/docs/contract.test.ts) then
//    requests it and checks the answer against the document; give it seed data if it needs some.
import type { App } from "../app-types.ts";
import { registerSse } from "../stream/sse.ts";
import { registerWs } from "../stream/ws.ts";
import { registerAggregate } from "./admin/aggregate.ts";
import { registerChannelRoutes } from "./channels/index.ts";
import { registerListAnomalies } from "./anomalies/list.ts";
import { registerDocuments } from "./docs/documents.ts";
import { registerHealth } from "./health/health.ts";
import { registerIncidentRoutes } from "./incidents/index.ts";
import { registerReadyz } from "./health/readyz.ts";
import { registerExportMetrics } from "./metrics/export.ts";
import { registerIngest } from "./metrics/ingest.ts";
import { registerListMetrics } from "./metrics/list.ts";
import { registerMonitorRoutes } from "./monitors/index.ts";
import { registerPrometheus } from "./ops/prometheus.ts";
import { registerSilenceRoutes } from "./silences/index.ts";
import { registerListSources } from "./sources/list.ts";
import { registerListProxies } from "./sources/proxies.ts";
import { registerStats } from "./stats/stats.ts";
import { registerSummaries } from "./summaries/daily.ts";

export function registerApiRoutes(app: App): void {
  registerHealth(app);
  registerReadyz(app);
  registerIngest(app);
  registerSse(app);
  registerWs(app);
  // The export's path is more specific than the list's: registered first for clarity.
  registerExportMetrics(app);
  registerListMetrics(app);
  registerListSources(app);
  registerListProxies(app);
  registerSummaries(app);
  registerListAnomalies(app);
  registerStats(app);
  registerPrometheus(app);
  registerAggregate(app);
  registerMonitorRoutes(app);
  registerIncidentRoutes(app);
  registerChannelRoutes(app);
  registerSilenceRoutes(app);
  // Last among the API routes: the documents describe everything registered before them.
  registerDocuments(app);
}
