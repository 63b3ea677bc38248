// createApp(services): middleware, the error handler and route registration. No I/O at import.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { App } from "./app-types.ts";
import { ApiError } from "./http/api-error.ts";
import { createOpenApiApp } from "./http/openapi.ts";
import { corsForApi, refuseForeignChanges, requireAllowedOrigin } from "./http/origins.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { requestLog } from "./observability/request-log.ts";
import { registerDashboard } from "./routes/dashboard/static.ts";
import { registerApiRoutes } from "./routes/index.ts";
import { asApiError } from "./routes/metrics/ingest-refusals.ts";
import type { Services } from "./services.ts";

export function createApp(services: Services): App {
  const app = createOpenApiApp();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomUUID();
    c.set("services", services);
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    await next();
  });
  app.use("*", requestLog(services.logger, services.history.metrics));
  app.use("*", securityHeaders);
  app.use("/api/*", corsForApi(services.origins));
  app.use("*", refuseForeignChanges(services.origins));
  app.use("/api/v1/stream", requireAllowedOrigin(services.origins));
  app.use("/api/v1/ws", requireAllowedOrigin(services.origins));

  app.onError((thrown, c) => {
    const error = asApiError(thrown);
    if (error instanceof ApiError) {
      if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
      const body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
      return c.json(body, error.status);
    }
    services.logger.error("unhandled error", { requestId: c.get("requestId"), path: c.req.path, err: error });
    return c.json({ error: { code: "internal", message: "internal server error" } }, 500);
  });

  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  registerApiRoutes(app);
  // Last: the SPA answers every path the API does not own (apps/dashboard/dist, built by turbo).
  registerDashboard(
    app,
    services.env.DASHBOARD_DIR ?? fileURLToPath(new URL("../../dashboard/dist", import.meta.url)),
  );
  return app;
}
