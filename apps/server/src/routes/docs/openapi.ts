// The OpenAPI 3.1 document, generated from the routes registered on the app: their createRoute
// declarations are the only list of routes there is.
import type { App } from "../../app-types.ts";

type OpenApiDocument = ReturnType<App["getOpenAPI31Document"]>;

const TAGS = [
  { name: "ingest", description: "Reporting events from scrapers and scheduled jobs." },
  { name: "streaming", description: "Live batches over Server-Sent Events and WebSocket." },
  { name: "history", description: "Stored events, sources, daily summaries and anomalies." },
  { name: "operations", description: "Health, readiness, figures, metrics, documents and jobs." },
];

export function buildOpenApi(app: App): OpenApiDocument {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A token of the route's role (READ_TOKENS, INGEST_TOKENS or ADMIN_TOKENS).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "queryToken", {
    type: "apiKey",
    in: "query",
    name: "token",
    description: "The same token as `?token=` (EventSource and browser WebSockets cannot send headers).",
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Scrapewatch",
      version: "1.0.0",
      description:
        "Live metrics for scrapers and scheduled jobs. Tokens go in `Authorization: Bearer` or `?token=`; READ_TOKENS guard reads, INGEST_TOKENS ingest, ADMIN_TOKENS administration (open when unset). Cursors (`m-s` for a batch, `m-s-i` for an event) are shared by REST, SSE and WebSocket. The WebSocket and SSE messages are described in the AsyncAPI document at /api/v1/asyncapi.json.",
    },
    servers: [{ url: "/", description: "This server (the document is served by the API it describes)" }],
    tags: TAGS,
  });
}
