// GET /api/v1/channels: every channel, secrets left out (read).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { ChannelList } from "./schemas.ts";

export const listChannelsRoute = createRoute({
  method: "get",
  path: "/api/v1/channels",
  operationId: "listChannels",
  summary: "List notification channels (secrets never shown)",
  tags: ["notifications"],
  ...guarded("read"),
  responses: { 200: json(ChannelList, "The channels, by name"), ...errors(401, 403) },
});

export function registerListChannels(app: App): void {
  app.openapi(listChannelsRoute, async (c) => {
    return c.json({ items: await c.get("services").notifications.channels.list() }, 200);
  });
}
