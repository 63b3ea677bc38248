// The HTTP entry points of the two streaming transports, declared like every other route: their
// query, security and answers, for validation and the OpenAPI document. The transports' own
// messages are described in the AsyncAPI document (routes/docs/asyncapi.ts).
import { createRoute } from "@hono/zod-openapi";
import { MAX_SOURCES_PER_SUBSCRIPTION } from "@scrapewatch/protocol";
import { z } from "zod";
import { errors, guarded, media } from "../http/openapi.ts";
import { SseEvent } from "./sse-events.ts";

const StreamQuery = z.object({
  sources: z
    .string()
    .optional()
    .meta({
      description: `Sources to receive, comma separated (at most ${MAX_SOURCES_PER_SUBSCRIPTION}); all when absent.`,
      example: "robinhood,cnbc",
    }),
  lastEventId: z.string().optional().meta({
    description: "Resume after this cursor (batch m-s or event m-s-i), like the Last-Event-ID header.",
  }),
});

export const sseRoute = createRoute({
  method: "get",
  path: "/api/v1/stream",
  operationId: "streamEvents",
  summary: "Server-Sent Events: live batches per source",
  description:
    "Events: `connected`, `metrics` (a batch; the SSE id is its cursor), `anomaly`, `reset`; `: ping` heartbeat comments. Resume with Last-Event-ID or ?lastEventId=. Each event is one of the SseEvent schemas (its `data:` line is JSON). The AsyncAPI document (/api/v1/asyncapi.json) describes the same events.",
  tags: ["streaming"],
  ...guarded("read"),
  request: { query: StreamQuery },
  responses: {
    200: media("text/event-stream", SseEvent, "The event stream; the first event is `connected`"),
    ...errors(400, 401, 403, 429, 503),
  },
});

export const wsRoute = createRoute({
  method: "get",
  path: "/api/v1/ws",
  operationId: "openWebSocket",
  summary: "WebSocket: live batches per source",
  description:
    "Upgrade to WebSocket (`Upgrade: websocket`). Client and server messages, one JSON object per frame, are described in the AsyncAPI document at /api/v1/asyncapi.json. A request without the upgrade gets 426.",
  tags: ["streaming"],
  ...guarded("read"),
  request: { query: StreamQuery },
  responses: {
    101: { description: "Switching protocols; messages follow on the socket" },
    ...errors(400, 401, 403, 426, 429),
  },
});
