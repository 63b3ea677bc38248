// One middleware per request, after the request id is set: the access log line, the request
// duration histogram (by route template, never the raw path: that would be one series per URL),
// and the refusal and idempotent-replay counters, read off the answer.
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-types.ts";
import { ApiError } from "../http/api-error.ts";
import type { Logger } from "../logger.ts";
import { asApiError } from "../routes/metrics/ingest-refusals.ts";
import type { RefusalReason, ServerMetrics } from "./server-metrics.ts";

/**
 * The demo scrapers send this header with DEMO_TRAFFIC_MARK, so their requests log at debug and
 * `npm start` stays readable. The mark is random per process: no outside client can quieten its
 * own requests.
 */
export const DEMO_TRAFFIC_HEADER = "x-scrapewatch-demo";
export const DEMO_TRAFFIC_MARK = randomUUID();

/** Probes and scrapes that come every few seconds: logged at debug when they succeed. */
const ROUTINE_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);

const REFUSALS: Partial<Record<string, RefusalReason>> = {
  rate_limited: "rate_limit",
  queue_full: "queue_full",
  too_many_sources: "too_many_sources",
  too_many_clients: "client_limit",
  too_many_streams: "client_limit",
};

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Label of a request nothing answered but the not-found handler. */
export const UNMATCHED_ROUTE = "(unmatched)";

export function requestLog(logger: Logger, metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    const route = routeTemplate(c, status);
    const method = METHODS.has(c.req.method) ? c.req.method : "OTHER";
    metrics.observeRequest(method, route, status, seconds);
    // c.error is what was thrown: a pipeline refusal becomes an ApiError only in app.onError.
    const error = asApiError(c.error);
    const reason = error instanceof ApiError ? REFUSALS[error.code] : undefined;
    if (reason) metrics.refused(reason);
    if (c.res.headers.get("idempotent-replayed") === "true") metrics.idempotentReplay();

    // The path without its query string, since tokens may travel in it.
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route,
      path: c.req.path,
      status,
      durationMs: Math.round(seconds * 10_000) / 10,
    };
    const routine =
      status < 400 && (ROUTINE_ROUTES.has(route) || c.req.header(DEMO_TRAFFIC_HEADER) === DEMO_TRAFFIC_MARK);
    if (routine) logger.debug("request", fields);
    else if (status >= 500) logger.warn("request", fields);
    else logger.info("request", fields);
  };
}

/**
 * The pattern of the route that answered (`/api/v1/monitors/:source`). After `next()` Hono's
 * route index points at the last handler that ran; when that is a middleware (`use`) and the
 * answer is 404, no route matched.
 */
function routeTemplate(c: Context<AppEnv>, status: number): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  if (!route) return UNMATCHED_ROUTE;
  if (route.method === "ALL" && status === 404) return UNMATCHED_ROUTE;
  return route.path;
}
