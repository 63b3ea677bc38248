// POST /api/v1/silences (admin): a maintenance window. Matching incidents still open, resolve and
// stream; their notifications are recorded as suppressed.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Silence, SilenceBody } from "./schemas.ts";

export const createSilenceRoute = createRoute({
  method: "post",
  path: "/api/v1/silences",
  operationId: "createSilence",
  summary: "Silence notifications for some sources and kinds for a while",
  description:
    "`sources`/`kinds` null match everything; `startsAt` defaults to now. An incident still open when the silence ends is notified then.",
  tags: ["notifications"],
  ...guarded("admin"),
  request: { body: { required: true, content: { "application/json": { schema: SilenceBody } } } },
  responses: { 201: json(Silence, "The silence"), ...errors(400, 401, 403) },
});

export function registerCreateSilence(app: App): void {
  app.openapi(createSilenceRoute, async (c) => {
    return c.json(await c.get("services").notifications.silences.create(c.req.valid("json")), 201);
  });
}
