// GET /api/v1/silences?active=true|false (read): newest first.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { limitParam } from "../../http/query-params.ts";
import { SilenceList } from "./schemas.ts";

const SilenceQuery = z.object({
  active: z.enum(["true", "false"]).optional().meta({
    description: "true: only silences in force now; false: only ended or future ones; absent: all.",
  }),
  limit: limitParam(1000, 100),
});

export const listSilencesRoute = createRoute({
  method: "get",
  path: "/api/v1/silences",
  operationId: "listSilences",
  summary: "List silences (maintenance windows), newest first",
  tags: ["notifications"],
  ...guarded("read"),
  request: { query: SilenceQuery },
  responses: { 200: json(SilenceList, "The silences"), ...errors(400, 401, 403) },
});

export function registerListSilences(app: App): void {
  app.openapi(listSilencesRoute, async (c) => {
    const { active, limit } = c.req.valid("query");
    const items = await c
      .get("services")
      .notifications.silences.list(active === undefined ? undefined : active === "true", limit);
    return c.json({ items }, 200);
  });
}
