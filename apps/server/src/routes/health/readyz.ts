// GET /readyz: ready when the database answers; 503 otherwise (a load balancer stops routing
// reads here, while ingest would still be queued).
import { createRoute } from "@hono/zod-openapi";
import { pingDatabase } from "@scrapewatch/db";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { json, OPEN } from "../../http/openapi.ts";

const Readiness = z
  .object({ status: z.enum(["ready", "unavailable"]), database: z.enum(["up", "down"]) })
  .meta({ id: "Readiness" });

export const readyzRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadyz",
  summary: "Readiness: the database is reachable",
  tags: ["operations"],
  ...OPEN,
  responses: {
    200: json(Readiness, "Ready"),
    503: json(Readiness, "The database does not answer, or shutdown has begun"),
  },
});

export function registerReadyz(app: App): void {
  app.openapi(readyzRoute, async (c) => {
    const { database, lifecycle } = c.get("services");
    c.header("Cache-Control", "no-store");
    // From the moment shutdown begins, so a load balancer stops sending before streams close.
    if (lifecycle.isStopping) return c.json({ status: "unavailable", database: "up" } as const, 503);
    const up = await pingDatabase(database);
    return up
      ? c.json({ status: "ready", database: "up" } as const, 200)
      : c.json({ status: "unavailable", database: "down" } as const, 503);
  });
}
