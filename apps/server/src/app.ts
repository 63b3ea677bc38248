// createApp(services): middleware, the error handler and route registration. No I/O at import.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { App, AppEnv } from "./app-types.ts";
import { ApiError } from "./http/api-error.ts";
import { registerDashboard } from "./routes/dashboard/static.ts";
import { registerHealth } from "./routes/health/health.ts";
import { registerHistoryRoutes } from "./routes/history.ts";
import { registerIngest } from "./routes/metrics/ingest.ts";
import type { Services } from "./services.ts";
import { registerSse } from "./stream/sse.ts";
import { registerWs } from "./stream/ws.ts";

export function createApp(services: Services): App {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomUUID();
    c.set("services", services);
    c.set("requestId", requestId);
    c.header("X-Request-Id", requestId);
    await next();
  });

  // Access log: the path without its query string, since tokens may travel in it.
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    services.logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.onError((error, c) => {
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

  registerHealth(app);
  registerIngest(app);
  registerSse(app, services.streams);
  registerWs(app, services.streams);
  registerHistoryRoutes(app);
  // Last: the SPA answers every path the API does not own (apps/dashboard/dist, built by turbo).
  registerDashboard(
    app,
    services.env.DASHBOARD_DIR ?? fileURLToPath(new URL("../../dashboard/dist", import.meta.url)),
  );
  return app;
}
