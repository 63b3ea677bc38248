import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/test-server.ts";

describe("GET /api/v1/openapi.json", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  it("is a valid OpenAPI 3.1 document", async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      openapi: string;
    } & Parameters<typeof SwaggerParser.validate>[0];
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
    expect(document.openapi).toBe("3.1.0");
  });

  it("lists every route of the API with its query parameters", async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    const routes = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "GET /api/v1/metrics",
        "POST /api/v1/metrics",
        "GET /api/v1/metrics/export",
        "GET /api/v1/sources",
        "GET /api/v1/summaries/daily",
        "GET /api/v1/summaries/scheduler",
        "GET /api/v1/anomalies",
        "GET /api/v1/stats",
        "GET /api/v1/openapi.json",
        "GET /api/v1/stream",
        "GET /api/v1/ws",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
      ].sort(),
    );
    const list = document.paths["/api/v1/metrics"]?.get?.parameters?.map((p) => p.name);
    expect(list).toEqual(["source", "type", "from", "to", "after", "limit"]);
  });

  it("documents only routes that answer (none is a 404)", async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, ops] of Object.entries(document.paths)) {
      if (!("get" in ops) || path === "/api/v1/stream" || path === "/api/v1/ws") continue;
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).not.toBe(404);
      await response.body?.cancel();
    }
  });

  it("serves a readable docs page without outside scripts", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("/api/v1/summaries/daily");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
