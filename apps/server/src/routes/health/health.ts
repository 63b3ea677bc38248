// GET /healthz: the process is alive and serving.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { json, OPEN } from "../../http/openapi.ts";

const Liveness = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() }).meta({ id: "Liveness" });

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealthz",
  summary: "Liveness: the process is serving",
  tags: ["operations"],
  ...OPEN,
  responses: { 200: json(Liveness, "Alive") },
});

export function registerHealth(app: App): void {
  app.openapi(healthRoute, (c) =>
    c.json({ status: "ok" as const, uptimeSeconds: Math.round(process.uptime()) }, 200),
  );
}
