// PUT /api/v1/channels/{name}: change some of a channel's fields (admin). Disabling it fails the
// deliveries it still had pending.
import { createRoute } from "@hono/zod-openapi";
import type { Channel as ChannelView } from "@scrapewatch/protocol";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { InvalidChannelError } from "../../notifications/channels.ts";
import { Channel, ChannelChanges, ChannelNameParams } from "./schemas.ts";

export const updateChannelRoute = createRoute({
  method: "put",
  path: "/api/v1/channels/{name}",
  operationId: "updateChannel",
  summary: "Change a notification channel",
  description: "Fields given replace the stored ones (`secret: null` removes the secret); the name stays.",
  tags: ["notifications"],
  ...guarded("admin"),
  request: {
    params: ChannelNameParams,
    body: { required: true, content: { "application/json": { schema: ChannelChanges } } },
  },
  responses: { 200: json(Channel, "The channel as it is now"), ...errors(400, 401, 403, 404) },
});

export function registerUpdateChannel(app: App): void {
  app.openapi(updateChannelRoute, async (c) => {
    const { name } = c.req.valid("param");
    let updated: ChannelView | null;
    try {
      updated = await c.get("services").notifications.channels.update(name, c.req.valid("json"));
    } catch (error) {
      if (error instanceof InvalidChannelError) {
        throw new ApiError("bad_request", `invalid json ${error.field}: ${error.message}`, {
          issues: [{ param: error.field, message: error.message }],
        });
      }
      throw error;
    }
    if (!updated) throw new ApiError("not_found", `no channel named ${name}`);
    return c.json(updated, 200);
  });
}
