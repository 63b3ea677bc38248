// Specs of the routes registered outside the history module (ingest, streams, health), for the
// OpenAPI document. Their schemas come from the protocol package, as the routes' own do.
import { IngestAccepted, IngestEnvelope, ServerMessageSchema } from "@scrapewatch/protocol";
import { z } from "zod";
import { SourcesParam } from "../../http/query-params.ts";
import type { RouteSpec } from "../../http/route-spec.ts";

const StreamQuery = z.object({
  sources: SourcesParam.optional().meta({
    description: "Sources to receive, comma separated; all when absent.",
  }),
  lastEventId: z
    .string()
    .optional()
    .meta({ description: "Resume after this cursor (batch m-s or event m-s-i), like Last-Event-ID." }),
});

export const TRANSPORT_ROUTES: RouteSpec[] = [
  {
    method: "post",
    path: "/api/v1/metrics",
    summary: "Ingest metric events",
    description:
      'Body: {"metrics":[...]} or a bare array of up to 5,000 navigation, scrape or scheduler events, at most 1 MiB. 400 names the index and reason of each bad event; 413 over 1 MiB; 415 not JSON; 429 with Retry-After when the queue is full. An Idempotency-Key header (1-255 visible ASCII characters) makes retries safe: a repeat within 10 minutes gets the first answer (header Idempotent-Replayed: true), on any instance sharing the Redis; a repeat while the first is still being accepted gets 409 idempotency_in_progress with Retry-After; the key reused for another body gets 400.',
    tag: "ingest",
    auth: "ingest",
    body: IngestEnvelope,
    responses: {
      202: { description: "Queued; ids are server-assigned", schema: IngestAccepted },
      409: { description: "A request with the same Idempotency-Key is still being accepted; retry" },
    },
  },
  {
    method: "get",
    path: "/api/v1/stream",
    summary: "Server-Sent Events: live batches per source",
    description:
      "Events: `connected`, `metrics` (a batch; the SSE id is its cursor), `anomaly`, `reset`; heartbeat comments. Resume with Last-Event-ID or ?lastEventId=.",
    tag: "streaming",
    auth: "read",
    query: StreamQuery,
    responses: {
      200: {
        description: "text/event-stream; the first event is `connected`",
        contentType: "text/event-stream",
      },
    },
  },
  {
    method: "get",
    path: "/api/v1/ws",
    summary: "WebSocket: live batches per source",
    description:
      'Upgrade to WebSocket. Client messages: {"type":"subscribe","sources":[...],"lastEventId"?}, unsubscribe, ping. Server messages are described by the schema below, one JSON object per frame.',
    tag: "streaming",
    auth: "read",
    responses: {
      101: { description: "Switching protocols" },
      200: { description: "Messages sent on the socket (documentation only)", schema: ServerMessageSchema },
    },
  },
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process is serving",
    tag: "operations",
    auth: "none",
    responses: {
      200: {
        description: "Alive",
        schema: z.object({ status: z.literal("ok"), uptimeSeconds: z.number() }),
      },
    },
  },
];
