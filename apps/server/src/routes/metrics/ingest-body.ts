// The ingest body and how it is checked before its schema runs: Content-Type (415), size (413),
// JSON (400 invalid_json), event count (413). A schema failure is answered per event, by index
// and reason, and the whole request is refused (never a partial, silent drop).
import { type EventIssue, MAX_EVENTS_PER_REQUEST, MAX_INGEST_BYTES } from "@scrapewatch/protocol";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ZodError, z } from "zod";
import { ApiError } from "../../http/api-error.ts";
import { MetricEventInput } from "../../http/components.ts";
import { refuseExhaustedIngest } from "../../http/rate-limit.ts";

const Events = z.array(MetricEventInput).min(1).max(MAX_EVENTS_PER_REQUEST);

export const IngestBody = z
  .union([z.object({ metrics: Events }), Events])
  .meta({ description: 'Up to 5,000 events: {"metrics":[...]} or a bare array.' })
  .meta({ id: "IngestBody" });

const MAX_REPORTED_ISSUES = 100;

const requireJson: MiddlewareHandler = async (c, next) => {
  if (!/^application\/(.+\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
    throw new ApiError("unsupported_media_type", "Content-Type must be application/json");
  }
  await next();
};

const limitBytes = bodyLimit({
  maxSize: MAX_INGEST_BYTES,
  onError: (c) => {
    // The rest of the body is never read: the connection must not be reused.
    c.header("Connection", "close");
    throw new ApiError("payload_too_large", `the body is over ${MAX_INGEST_BYTES} bytes (1 MiB)`);
  },
});

/** How many events each request held, for the 400's message (the schema's hook is synchronous). */
const eventCounts = new WeakMap<Request, number>();

/** Parses once (the schema's validator reads the same cached value) and counts the events. */
const parseAndCount: MiddlewareHandler = async (c, next) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw new ApiError("invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(body) ? body : (body as { metrics?: unknown } | null)?.metrics;
  if (Array.isArray(list)) eventCounts.set(c.req.raw, list.length);
  if (Array.isArray(list) && list.length > MAX_EVENTS_PER_REQUEST) {
    throw new ApiError(
      "payload_too_large",
      `at most ${MAX_EVENTS_PER_REQUEST} events per request (got ${list.length})`,
    );
  }
  await next();
};

/**
 * In order: JSON only, a full queue or an exhausted rate refused before the body is read
 * (parsing bodies only to refuse them is what grew memory under a flood), then the size limit.
 */
export const checkIngestRequest = [requireJson, refuseExhaustedIngest, limitBytes, parseAndCount];

/**
 * The 400 for a body that fails IngestBody. The union's two forms each report their issues; the
 * form whose shape matched tells which events are bad.
 */
export function ingestBodyError(error: ZodError, request: Request): ApiError {
  const [top] = error.issues;
  const forms = top?.code === "invalid_union" ? top.errors : [];
  const [asObject = [], asArray = []] = forms;
  const eventsOf = (issues: typeof asObject, prefix: number) =>
    issues.every((issue) => issue.path.length > prefix + 1 && typeof issue.path[prefix] === "number")
      ? issues
      : null;
  const objectIssues = eventsOf(asObject, 1);
  const arrayIssues = eventsOf(asArray, 0);
  const prefix = objectIssues ? 1 : 0;
  const chosen = objectIssues ?? arrayIssues;
  if (!chosen || chosen.length === 0) {
    return new ApiError("invalid_events", 'body must be {"metrics":[...]} or a non-empty array of events', {
      issues: error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  const issues: EventIssue[] = chosen.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({
    index: Number(issue.path[prefix]),
    path: issue.path.slice(prefix + 1).join("."),
    message: issue.message,
  }));
  const bad = new Set(chosen.map((issue) => issue.path[prefix])).size;
  return new ApiError(
    "invalid_events",
    `${bad} of ${eventCounts.get(request) ?? "the"} events are invalid; nothing was accepted`,
    { issues },
  );
}
