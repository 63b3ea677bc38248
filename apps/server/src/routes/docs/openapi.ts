// GET /api/v1/openapi.json: the OpenAPI 3.1 document, built from the same route specs (and zod
// schemas) that the routes validate with, and GET /api/docs: a readable page of it.
import { ApiErrorBody } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import type { RouteSpec } from "../../http/route-spec.ts";
import { renderDocsPage } from "./docs-page.ts";

type Json = Record<string, unknown>;

export const openApiSpec: RouteSpec = {
  method: "get",
  path: "/api/v1/openapi.json",
  summary: "This OpenAPI document",
  tag: "operations",
  auth: "none",
  responses: { 200: { description: "OpenAPI 3.1 JSON" } },
};

const ERRORS: Record<number, string> = {
  400: "Invalid parameters or body",
  401: "A token is required",
  403: "The token is not valid for this route",
};

export function buildOpenApi(routes: readonly RouteSpec[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const operation: Json = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      responses: responses(route),
    };
    if (route.description) operation.description = route.description;
    if (route.query) operation.parameters = parameters(route.query);
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(route.body, "input") } },
      };
    }
    operation.security = route.auth === "none" ? [] : [{ bearer: [] }, { queryToken: [] }];
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Scrapewatch",
      version: "1.0.0",
      description:
        "Live metrics for scrapers and scheduled jobs. Tokens go in `Authorization: Bearer` or `?token=`; READ_TOKENS guard reads, INGEST_TOKENS ingest. Cursors (`m-s` for a batch, `m-s-i` for an event) are shared by REST, SSE and WebSocket.",
    },
    tags: [{ name: "ingest" }, { name: "streaming" }, { name: "history" }, { name: "operations" }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        queryToken: { type: "apiKey", in: "query", name: "token" },
      },
      schemas: { Error: schemaOf(ApiErrorBody, "output") },
    },
  };
}

export function registerOpenApi(app: App, routes: () => readonly RouteSpec[]): void {
  let cached: { json: string; html: string } | null = null;
  const documents = () => {
    if (!cached) {
      const document = buildOpenApi(routes());
      cached = { json: JSON.stringify(document), html: renderDocsPage(document) };
    }
    return cached;
  };
  app.get(openApiSpec.path, (c) => {
    c.header("Content-Type", "application/json; charset=utf-8");
    return c.body(documents().json);
  });
  app.get("/api/docs", (c) => c.html(documents().html));
}

function parameters(query: z.ZodObject): Json[] {
  const schema = schemaOf(query, "input");
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: "query",
      required: required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

function responses(route: RouteSpec): Json {
  const out: Json = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const entry: Json = { description: response.description };
    if (response.schema)
      entry.content = { "application/json": { schema: schemaOf(response.schema, "output") } };
    else if (response.contentType) entry.content = { [response.contentType]: { schema: { type: "string" } } };
    out[status] = entry;
  }
  const errors = [...(route.query || route.body ? [400] : []), ...(route.auth === "none" ? [] : [401, 403])];
  for (const status of errors) {
    out[status] ??= {
      description: ERRORS[status],
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  delete json.$schema;
  return json;
}

function operationId(route: RouteSpec): string {
  const words = route.path
    .replace(/^\/api\/v1\//, "")
    .replace(/^\//, "")
    .split(/[/._-]/)
    .filter(Boolean);
  return route.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}
