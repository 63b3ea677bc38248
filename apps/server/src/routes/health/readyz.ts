// GET /readyz: ready when the database answers; 503 otherwise (a load balancer stops routing
// reads here, while ingest would still be queued).
import { pingDatabase } from "@scrapewatch/db";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import type { RouteSpec } from "../../http/route-spec.ts";

const Readiness = z.object({ status: z.enum(["ready", "unavailable"]), database: z.enum(["up", "down"]) });

export const readyzSpec: RouteSpec = {
  method: "get",
  path: "/readyz",
  summary: "Readiness: the database is reachable",
  tag: "operations",
  auth: "none",
  responses: {
    200: { description: "Ready", schema: Readiness },
    503: { description: "The database does not answer", schema: Readiness },
  },
};

export function registerReadyz(app: App): void {
  app.get(readyzSpec.path, async (c) => {
    const up = await pingDatabase(c.get("services").database);
    c.header("Cache-Control", "no-store");
    return up
      ? c.json({ status: "ready", database: "up" } as const, 200)
      : c.json({ status: "unavailable", database: "down" } as const, 503);
  });
}
