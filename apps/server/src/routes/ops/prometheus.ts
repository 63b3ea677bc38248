// GET /metrics: the Prometheus text exposition (guarded by READ_TOKENS when they are set).
import type { App } from "../../app-types.ts";
import type { RouteSpec } from "../../http/route-spec.ts";
import { requireRead } from "../read-guard.ts";

export const prometheusSpec: RouteSpec = {
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics",
  description:
    "Ingest counts by source, batch sizes and write lag (histograms), rows written, queue depths, connected stream clients, dropped slow consumers, resume hits and misses, anomalies, uptime.",
  tag: "operations",
  auth: "read",
  responses: {
    200: { description: "Text exposition format 0.0.4", contentType: "text/plain; version=0.0.4" },
  },
};

export function registerPrometheus(app: App): void {
  app.get(prometheusSpec.path, requireRead, (c) => {
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(c.get("services").history.metrics.registry.render());
  });
}
