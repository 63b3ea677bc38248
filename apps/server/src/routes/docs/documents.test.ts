// The OpenAPI and AsyncAPI documents as outside tools read them: Redocly's recommended lint and
// the AsyncAPI parser, plus the points a generated client depends on.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/test-server.ts";

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  requestBody?: { content: Record<string, { schema: Json }> };
}
interface OpenApi {
  openapi: string;
  servers?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const run = promisify(execFile);
const require = createRequire(import.meta.url);
/** Runs @asyncapi/parser in its own process (its dependencies do not load under vitest's resolver). */
const parseAsyncApi = new URL("../../../test/parse-asyncapi.cjs", import.meta.url).pathname;
/** The redocly CLI of this workspace's devDependencies (no download at test time). */
const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");

describe("the API documents", () => {
  let server: TestServer;
  let openapi: OpenApi;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer();
    openapi = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as OpenApi;
    dir = mkdtempSync(join(tmpdir(), "scrapewatch-docs-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  });

  it("passes Redocly's recommended lint without errors", async () => {
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(openapi));
    const { stdout } = await run(process.execPath, [redocly, "lint", file, "--format=json"], {
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "{}" }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.filter((p) => (p as { severity?: string }).severity === "error")).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);

  it("has servers, unique operationIds and responses open to new fields", () => {
    expect(openapi.openapi).toBe("3.1.0");
    expect(openapi.servers?.length).toBeGreaterThan(0);
    const ids = Object.values(openapi.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Request bodies may be strict (an unknown setting is a 400); what a client reads must stay open.
    const referenced = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) for (const item of node) visit(item);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref" && typeof value === "string") {
            const name = value.replace("#/components/schemas/", "");
            if (!referenced.has(name)) {
              referenced.add(name);
              visit(openapi.components.schemas[name]);
            }
          } else visit(value);
        }
      }
    };
    for (const operations of Object.values(openapi.paths)) {
      for (const operation of Object.values(operations))
        visit((operation as { responses?: unknown }).responses);
    }
    expect(referenced.size).toBeGreaterThan(10);
    for (const name of referenced) {
      expect(JSON.stringify(openapi.components.schemas[name]), name).not.toContain(
        '"additionalProperties":false',
      );
    }
  });

  it("documents the three event kinds of the ingest body", () => {
    const input = openapi.components.schemas.MetricInput as {
      oneOf?: { properties: { type: { enum?: string[]; const?: string } } }[];
    };
    const kinds = input.oneOf?.map((kind) => kind.properties.type.enum?.[0] ?? kind.properties.type.const);
    expect(kinds).toEqual(["navigation", "scrape", "scheduler"]);
    const body = openapi.paths["/api/v1/metrics"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(body).toEqual({ $ref: "#/components/schemas/IngestBody" });
  });

  it("documents export's CSV and NDJSON and the SSE events under text/event-stream", () => {
    const exported = openapi.paths["/api/v1/metrics/export"]?.get?.responses["200"]?.content ?? {};
    expect(Object.keys(exported).sort()).toEqual(["application/x-ndjson", "text/csv"]);
    const stream = openapi.paths["/api/v1/stream"]?.get?.responses["200"]?.content ?? {};
    expect(stream["text/event-stream"]?.schema).toEqual({ $ref: "#/components/schemas/SseEvent" });
    const events = (
      openapi.components.schemas.SseEvent as { oneOf: { properties: { event: { enum: string[] } } }[] }
    ).oneOf;
    expect(events.map((e) => e.properties.event.enum[0])).toEqual([
      "connected",
      "metrics",
      "anomaly",
      "reset",
      "incident",
    ]);
  });

  it("serves an AsyncAPI 3 document of the WebSocket and SSE messages that parses without errors", async () => {
    const file = join(dir, "asyncapi.json");
    writeFileSync(file, await (await fetch(`${server.url}/api/v1/asyncapi.json`)).text());
    const { stdout } = await run(process.execPath, [parseAsyncApi, file]);
    const parsed = JSON.parse(stdout) as {
      version: string | null;
      messages: string[];
      diagnostics: { severity: number; message: string }[];
    };
    // Severity 0 is an error, 1 a warning.
    expect(parsed.diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
    expect(parsed.version).toBe("3.0.0");
    for (const expected of ["clientSubscribe", "clientUnsubscribe", "clientPing", "clientStatus"]) {
      expect(parsed.messages).toContain(expected);
    }
    for (const expected of ["serverConnected", "serverMetrics", "serverError", "sseConnected", "sseReset"]) {
      expect(parsed.messages).toContain(expected);
    }
  }, 60_000);

  it("serves a readable docs page that links both documents, without outside scripts", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toContain('href="/api/v1/asyncapi.json"');
    expect(html).toContain("/api/v1/summaries/daily");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
