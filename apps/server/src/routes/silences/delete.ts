// DELETE /api/v1/silences/{id} (admin): ends the silence now. Incidents it held back that are
// still open are notified at once.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Silence, SilenceIdParams } from "./schemas.ts";

export const deleteSilenceRoute = createRoute({
  method: "delete",
  path: "/api/v1/silences/{id}",
  operationId: "endSilence",
  summary: "End a silence now",
  tags: ["notifications"],
  ...guarded("admin"),
  request: { params: SilenceIdParams },
  responses: { 200: json(Silence, "The silence, ended"), ...errors(401, 403, 404) },
});

export function registerDeleteSilence(app: App): void {
  app.openapi(deleteSilenceRoute, async (c) => {
    const { id } = c.req.valid("param");
    const ended = await c.get("services").notifications.silences.end(id);
    if (!ended) throw new ApiError("not_found", `no silence ${id}`);
    return c.json(ended, 200);
  });
}
