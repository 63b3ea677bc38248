// DELETE /api/v1/channels/{name} (admin): its pending deliveries fail ("channel deleted").
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded } from "../../http/openapi.ts";
import { ChannelNameParams } from "./schemas.ts";

export const deleteChannelRoute = createRoute({
  method: "delete",
  path: "/api/v1/channels/{name}",
  operationId: "deleteChannel",
  summary: "Delete a notification channel",
  tags: ["notifications"],
  ...guarded("admin"),
  request: { params: ChannelNameParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
});

export function registerDeleteChannel(app: App): void {
  app.openapi(deleteChannelRoute, async (c) => {
    const { name } = c.req.valid("param");
    if (!(await c.get("services").notifications.channels.delete(name))) {
      throw new ApiError("not_found", `no channel named ${name}`);
    }
    return c.body(null, 204);
  });
}
