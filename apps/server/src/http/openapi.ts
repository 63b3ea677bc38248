// The pieces every route declaration is made of: the app type, `json(...)` and `errors(...)`
// response entries, the token guards with their OpenAPI security, and the validation hook that
// turns a zod failure into our 400. A route's createRoute object is its validation, its OpenAPI
// entry and its handler's types (see routes/index.ts for how to add one).
import { OpenAPIHono } from "@hono/zod-openapi";
import { ErrorBody } from "./components.ts";
import type { MiddlewareHandler } from "hono";
import type { ZodError, z } from "zod";
import type { AppEnv } from "../app-types.ts";
import { ApiError } from "./api-error.ts";
import { type Role, requireToken } from "./auth.ts";

export type OpenApiApp = OpenAPIHono<AppEnv>;

/** The app with our validation answers: a bad query or body is a 400 naming the field, never a 500. */
export function createOpenApiApp(): OpenApiApp {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}

export function validationError(target: string, error: ZodError): ApiError {
  const issues = error.issues.map((issue) => ({ param: issue.path.join("."), message: issue.message }));
  const first = issues[0];
  if (target === "query") {
    return new ApiError(
      "invalid_query",
      first ? `invalid query parameter ${first.param || "(query)"}: ${first.message}` : "invalid query",
      { issues },
    );
  }
  return new ApiError(
    "bad_request",
    first ? `invalid ${target} ${first.param}: ${first.message}` : "invalid",
    {
      issues,
    },
  );
}

/** A JSON response entry of a route. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A response entry of another media type (CSV, NDJSON, Prometheus text, an event stream). */
export function media<M extends string, T extends z.ZodType>(mediaType: M, schema: T, description: string) {
  return { description, content: { [mediaType]: { schema } } as Record<M, { schema: T }> };
}

export const ERROR_DESCRIPTIONS = {
  400: "Invalid parameters or body; `details` names each bad field",
  401: "A token is required",
  403: "The token is not valid for this route, or the Origin is not allowed",
  404: "Not found",
  409: "Conflict: the name is taken, or a request with the same Idempotency-Key is still being answered (retry after Retry-After)",
  413: "The body is over 1 MiB or holds more than 5,000 events",
  415: "Content-Type must be application/json",
  422: "The Idempotency-Key was used for another body",
  426: "This route only answers a WebSocket upgrade",
  429: "Too many events: the queue is full or the rate limit is spent; retry after Retry-After",
  503: "Unavailable now (shutting down, too many clients, or the database is down); retry after Retry-After",
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

type ErrorResponse = ReturnType<typeof json<typeof ErrorBody>>;

/** The error answers a route can give, all in the one `{error:{code,message,details}}` shape. */
export function errors<const S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  const out: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  for (const status of statuses) out[status] = json(ErrorBody, ERROR_DESCRIPTIONS[status]);
  return out as Record<S, ErrorResponse>;
}

/** A token in `Authorization: Bearer` or `?token=` (EventSource and browser WebSockets cannot send headers). */
const TOKEN_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { queryToken: [] }];

/**
 * Spread into createRoute: the role's token guard and its OpenAPI security. Such a route answers
 * 401 and 403 too: list them in its errors(...).
 */
export function guarded(role: Role): {
  middleware: MiddlewareHandler<AppEnv>;
  security: typeof TOKEN_SECURITY;
} {
  const middleware: MiddlewareHandler<AppEnv> = (c, next) =>
    requireToken(c.get("services").tokens[role], role)(c, next);
  return { middleware, security: TOKEN_SECURITY };
}

/** Routes open to anyone (health, documents). */
export const OPEN: { security: [] } = { security: [] };
