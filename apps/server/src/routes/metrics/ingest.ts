// POST /api/v1/metrics: validate at the edge, queue, answer 202 with the server-assigned ids.
import { MAX_INGEST_BYTES } from "@scrapewatch/protocol";
import type { HttpBindings } from "@hono/node-server";
import { bodyLimit } from "hono/body-limit";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { presentedToken, requireToken } from "../../http/auth.ts";
import { rateLimitKey } from "../../http/rate-limit.ts";
import { answerOnce } from "./idempotency.ts";
import { validateIngestBody } from "./validate-events.ts";

export function registerIngest(app: App): void {
  app.post(
    "/api/v1/metrics",
    async (c, next) => requireToken(c.get("services").tokens.ingest, "ingest")(c, next),
    async (c, next) => {
      const type = c.req.header("content-type") ?? "";
      if (!/^application\/(.+\+)?json\b/i.test(type)) {
        throw new ApiError("unsupported_media_type", "Content-Type must be application/json");
      }
      await next();
    },
    bodyLimit({
      maxSize: MAX_INGEST_BYTES,
      onError: (c) => {
        // The rest of the body is never read: the connection must not be reused.
        c.header("Connection", "close");
        throw new ApiError("payload_too_large", `the body is over ${MAX_INGEST_BYTES} bytes (1 MiB)`);
      },
    }),
    async (c) => {
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new ApiError("invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
      }
      const metrics = validateIngestBody(body);
      const { pipeline, idempotency, ingestLimiter } = c.get("services");
      const token = presentedToken(c.req.header("authorization"), c.req.query("token"));
      const address = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress;
      // A repeated Idempotency-Key gets the first answer; its events are not accepted twice.
      const answer = await answerOnce(
        idempotency,
        {
          key: c.req.header("idempotency-key"),
          scope: token ?? "",
          payload: metrics,
        },
        () => {
          // Counted in events, and only for new work: a replayed answer costs nothing.
          ingestLimiter.take(rateLimitKey(token, address), metrics.length);
          const ids = pipeline.accept(metrics);
          return { status: 202, body: { accepted: ids.length, ids } };
        },
      );
      if (answer.replayed) c.header("Idempotent-Replayed", "true");
      return c.body(answer.body, answer.status as 202, { "content-type": "application/json" });
    },
  );
}
