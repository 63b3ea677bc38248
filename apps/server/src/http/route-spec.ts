// A route's contract in one place: its query and response schemas validate requests here and
// generate the OpenAPI document, so the two cannot drift apart.
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./api-error.ts";

export type Role = "read" | "ingest" | "admin" | "none";

export interface ResponseSpec {
  description: string;
  /** JSON body schema (application/json unless contentType says otherwise). */
  schema?: z.ZodType;
  /** Other media types, described in words (text/event-stream, text/csv...). */
  contentType?: string;
}

export interface RouteSpec {
  method: "get" | "post";
  /** OpenAPI path ({param} style). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: Role;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

/** Validates the query string against the route's schema; a bad value is a 400 naming it. */
export function parseQuery<T extends z.ZodObject>(c: Context, schema: T): z.output<T> {
  const result = schema.safeParse(c.req.query());
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    param: issue.path.join("."),
    message: issue.message,
  }));
  const first = issues[0];
  throw new ApiError(
    "invalid_query",
    first ? `invalid query parameter ${first.param || "(query)"}: ${first.message}` : "invalid query",
    { issues },
  );
}
