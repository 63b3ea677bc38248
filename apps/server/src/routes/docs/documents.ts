// GET /api/v1/openapi.json, GET /api/v1/asyncapi.json and GET /api/docs (a readable page of both).
// The documents are generated on first request, after every route has been registered.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { json, media, OPEN } from "../../http/openapi.ts";
import { buildAsyncApi } from "./asyncapi.ts";
import { renderDocsPage } from "./docs-page.ts";
import { buildOpenApi } from "./openapi.ts";

const JsonDocument = z.record(z.string(), z.unknown());

export const openApiRoute = createRoute({
  method: "get",
  path: "/api/v1/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This OpenAPI 3.1 document",
  tags: ["operations"],
  ...OPEN,
  responses: { 200: json(JsonDocument.meta({ id: "OpenApiDocument" }), "OpenAPI 3.1 JSON") },
});

export const asyncApiRoute = createRoute({
  method: "get",
  path: "/api/v1/asyncapi.json",
  operationId: "getAsyncApiDocument",
  summary: "The AsyncAPI 3.0 document of the WebSocket and SSE messages",
  tags: ["operations"],
  ...OPEN,
  responses: { 200: json(JsonDocument.meta({ id: "AsyncApiDocument" }), "AsyncAPI 3.0 JSON") },
});

export const docsPageRoute = createRoute({
  method: "get",
  path: "/api/docs",
  operationId: "getDocsPage",
  summary: "A readable page of the API, linking both documents",
  tags: ["operations"],
  ...OPEN,
  responses: { 200: media("text/html", z.string(), "HTML") },
});

export function registerDocuments(app: App): void {
  type Documents = { openapi: Record<string, unknown>; asyncapi: Record<string, unknown>; html: string };
  let cached: Documents | null = null;
  const documents = (): Documents => {
    if (!cached) {
      const openapi = JSON.parse(JSON.stringify(buildOpenApi(app))) as Record<string, unknown>;
      cached = { openapi, asyncapi: buildAsyncApi(), html: renderDocsPage(openapi) };
    }
    return cached;
  };
  app.openapi(openApiRoute, (c) => c.json(documents().openapi, 200));
  app.openapi(asyncApiRoute, (c) => c.json(documents().asyncapi, 200));
  app.openapi(docsPageRoute, (c) => c.html(documents().html, 200));
}
