// GET /metrics: the Prometheus text exposition (guarded by READ_TOKENS when they are set).
// The route is declared here; what it renders belongs to observability/.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, media } from "../../http/openapi.ts";

export const prometheusRoute = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getPrometheusMetrics",
  summary: "Prometheus metrics",
  description:
    "Process and Node.js defaults (prom-client), HTTP request durations by route and status class, refusals by reason, idempotent replays, ingest counts by source (the busiest METRICS_SOURCE_LABELS, the rest as _other), batch sizes and write lag, rows written, queue depths, stream clients, slow consumers dropped, resumes, anomalies, monitor states and open incidents, uptime.",
  tags: ["operations"],
  ...guarded("read"),
  responses: {
    200: media("text/plain", z.string(), "Text exposition format 0.0.4"),
    ...errors(401, 403),
  },
});

export function registerPrometheus(app: App): void {
  app.openapi(prometheusRoute, async (c) => {
    const { body, contentType } = await c.get("services").history.metrics.render();
    c.header("Cache-Control", "no-store");
    return c.text(body, 200, { "Content-Type": contentType });
  });
}
