// POST /api/v1/metrics: validate at the edge, queue, answer 202 with the server-assigned ids.
import type { IngestAccepted as IngestAcceptedBody } from "@scrapewatch/protocol";
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-types.ts";
import { IngestAccepted } from "../../http/components.ts";
import { presentedToken } from "../../http/auth.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { ingestRateKey } from "../../http/rate-limit.ts";
import { answerOnce } from "./idempotency.ts";
import { checkIngestRequest, IngestBody, ingestBodyError } from "./ingest-body.ts";

const { middleware: requireIngest, security } = guarded("ingest");

export const ingestRoute = createRoute({
  method: "post",
  path: "/api/v1/metrics",
  operationId: "ingestMetrics",
  summary: "Ingest metric events",
  description:
    "Up to 5,000 navigation, scrape or scheduler events, at most 1 MiB. 400 names the index and reason of each bad event and nothing is accepted. An Idempotency-Key header (1-255 visible ASCII characters) makes retries safe: a repeat within 10 minutes gets the first answer (header Idempotent-Replayed: true), on any instance sharing the Redis; a repeat while the first is still being accepted gets 409 with Retry-After; the key reused for another body gets 422.",
  tags: ["ingest"],
  security,
  middleware: [requireIngest, ...checkIngestRequest],
  request: { body: { required: true, content: { "application/json": { schema: IngestBody } } } },
  responses: {
    202: json(IngestAccepted, "Queued; ids are server-assigned"),
    ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
  },
});

export function registerIngest(app: App): void {
  app.openapi(
    ingestRoute,
    async (c) => {
      const body = c.req.valid("json");
      const metrics = Array.isArray(body) ? body : body.metrics;
      const { pipeline, idempotency, ingestLimiter } = c.get("services");
      const token = presentedToken(c.req.header("authorization"), c.req.query("token"));
      // A repeated Idempotency-Key gets the first answer; its events are not accepted twice.
      const answer = await answerOnce(
        idempotency,
        { key: c.req.header("idempotency-key"), scope: token ?? "", payload: metrics },
        async () => {
          // Counted in events, and only for new work: a replayed answer costs nothing.
          await ingestLimiter.take(ingestRateKey(c), metrics.length);
          const ids = pipeline.accept(metrics); // refusals become HTTP answers in app.onError
          return { status: 202, body: { accepted: ids.length, ids } };
        },
      );
      if (answer.replayed) c.header("Idempotent-Replayed", "true");
      // The stored answer is JSON text, so that a replay on another instance is the same bytes.
      return c.json(JSON.parse(answer.body) as IngestAcceptedBody, 202);
    },
    (result, c) => {
      if (!result.success) throw ingestBodyError(result.error, c.req.raw);
      return undefined;
    },
  );
}
