// Security headers on every kind of answer a real server gives: JSON, errors, SSE, and the
// dashboard's HTML with its Content-Security-Policy.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SseStream } from "../../test/stream-clients.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";
import { API_CSP, BASE_HEADERS, DASHBOARD_CSP } from "./security-headers.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<TestServer> {
  const dashboard = mkdtempSync(join(tmpdir(), "scrapewatch-dash-"));
  writeFileSync(join(dashboard, "index.html"), "<!doctype html><title>t</title>");
  cleanups.push(() => rmSync(dashboard, { recursive: true, force: true }));
  const started = await startTestServer({ env: { DASHBOARD_DIR: dashboard } });
  cleanups.push(() => started.stop());
  return started;
}

function expectBaseHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(BASE_HEADERS)) expect(headers.get(name)).toBe(value);
}

describe("security headers", () => {
  it("are on JSON answers, errors and 404s, with a CSP that allows nothing", async () => {
    const running = await server();
    for (const path of ["/api/v1/sources", "/api/v1/nope", "/api/v1/metrics?limit=nope", "/healthz"]) {
      const response = await fetch(`${running.url}${path}`);
      expectBaseHeaders(response.headers);
      expect(response.headers.get("content-security-policy")).toBe(API_CSP);
    }
    const rejected = await running.ingest("{");
    expect(rejected.status).toBe(400);
    expectBaseHeaders(rejected.headers);
  });

  it("are on the SSE stream, which writes its own head", async () => {
    const running = await server();
    const stream = await SseStream.open(`${running.url}/api/v1/stream`);
    cleanups.push(() => stream.close());
    expectBaseHeaders(stream.response.headers);
  });

  it("give the dashboard's HTML its Content-Security-Policy, also on SPA deep links", async () => {
    const running = await server();
    for (const path of ["/", "/sources/robinhood"]) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
      expectBaseHeaders(response.headers);
    }
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
  });
});
