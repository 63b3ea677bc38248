// POST /api/v1/metrics: validate at the edge, queue, answer 202 with the server-assigned ids.
import { MAX_INGEST_BYTES } from "@scrapewatch/protocol";
import { bodyLimit } from "hono/body-limit";
import type { App } from "../../app-types.ts";
import { ApiError } from "../../http/api-error.ts";
import { requireToken } from "../../http/auth.ts";
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
      const ids = c.get("services").pipeline.accept(metrics);
      return c.json({ accepted: ids.length, ids }, 202);
    },
  );
}
