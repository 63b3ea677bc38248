// POST /api/v1/channels/{name}/test (admin): sends a `test` notification now and says how the
// receiver answered. Not retried, and not kept in the outbox.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { ChannelNameParams, ChannelTest } from "./schemas.ts";

export const testChannelRoute = createRoute({
  method: "post",
  path: "/api/v1/channels/{name}/test",
  operationId: "testChannel",
  summary: "Send a test notification to a channel now",
  description:
    "Answers 200 whatever the receiver did: `delivered`, its `status` (HTTP, or the SMTP reply code) and the `error`. Takes up to DELIVERY_TIMEOUT_MS.",
  tags: ["notifications"],
  ...guarded("admin"),
  request: { params: ChannelNameParams },
  responses: { 200: json(ChannelTest, "What the receiver answered"), ...errors(401, 403, 404) },
});

export function registerTestChannel(app: App): void {
  app.openapi(testChannelRoute, async (c) => {
    const { name } = c.req.valid("param");
    const result = await c.get("services").notifications.channels.test(name);
    if (!result) throw new ApiError("not_found", `no channel named ${name}`);
    return c.json(result, 200);
  });
}
