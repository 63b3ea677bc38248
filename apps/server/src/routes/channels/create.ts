// POST /api/v1/channels: a new notification channel (admin). A taken name is a 409.
import { createRoute } from "@hono/zod-openapi";
import { DuplicateChannelError } from "@scrapewatch/db";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { Channel, ChannelBody } from "./schemas.ts";

export const createChannelRoute = createRoute({
  method: "post",
  path: "/api/v1/channels",
  operationId: "createChannel",
  summary: "Add a notification channel (webhook, Slack, Discord or email)",
  description:
    "The secret signs webhook requests (`X-Scrapewatch-Signature`) and is never returned: answers say `hasSecret`.",
  tags: ["notifications"],
  ...guarded("admin"),
  request: { body: { required: true, content: { "application/json": { schema: ChannelBody } } } },
  responses: { 201: json(Channel, "The channel"), ...errors(400, 401, 403, 409) },
});

export function registerCreateChannel(app: App): void {
  app.openapi(createChannelRoute, async (c) => {
    const request = c.req.valid("json");
    try {
      return c.json(await c.get("services").notifications.channels.create(request), 201);
    } catch (error) {
      if (error instanceof DuplicateChannelError) {
        throw new ApiError("conflict", `a channel named ${request.name} exists`, { field: "name" });
      }
      throw error;
    }
  });
}
