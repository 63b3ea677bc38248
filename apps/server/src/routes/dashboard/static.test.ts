import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenApiApp } from "../../http/openapi.ts";
import { IMMUTABLE, REVALIDATE, registerDashboard } from "./static.ts";

let dir: string;
const INDEX = "<!doctype html><title>Scrapewatch</title><div id=root></div>";
const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});`;

function makeApp(root: string) {
  const app = createOpenApiApp();
  app.get("/api/v1/sources", (c) => c.json({ items: [] }));
  registerDashboard(app, root);
  // Registered after the dashboard on purpose: API routes must still win.
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: { code: "not_found", message: "no route" } }, 404));
  return app;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "scrapewatch-dashboard-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "index-AbC123.js"), SCRIPT);
  writeFileSync(join(dir, "robots.txt"), "User-agent: *\n");
  writeFileSync(join(dir, "..", "secret-dashboard-test.txt"), "secret");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, "..", "secret-dashboard-test.txt"), { force: true });
});

describe("registerDashboard", () => {
  it("serves index.html at / without long caching", async () => {
    const res = await makeApp(dir).request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe(REVALIDATE);
    expect(await res.text()).toBe(INDEX);
  });

  it("caches hashed assets for a year as immutable", async () => {
    const res = await makeApp(dir).request("/assets/index-AbC123.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(await res.text()).toBe(SCRIPT);
  });

  it("gzips text assets for clients that accept it", async () => {
    const res = await makeApp(dir).request("/assets/index-AbC123.js", {
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.length).toBeLessThan(SCRIPT.length);
    expect(gunzipSync(body).toString()).toBe(SCRIPT);
  });

  it("answers deep links with index.html (SPA fallback)", async () => {
    const res = await makeApp(dir).request("/sources/robinhood");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe(REVALIDATE);
    expect(await res.text()).toBe(INDEX);
  });

  it("leaves API paths to the API: unknown ones stay JSON 404s", async () => {
    const app = makeApp(dir);
    expect(await (await app.request("/api/v1/sources")).json()).toEqual({ items: [] });
    const missing = await app.request("/api/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/json");
    expect((await app.request("/healthz")).status).toBe(200);
  });

  it("answers 404 for a missing asset instead of the page", async () => {
    const res = await makeApp(dir).request("/assets/index-gone.js");
    expect(res.status).toBe(404);
  });

  it("never serves files outside the folder", async () => {
    for (const path of [
      "/../secret-dashboard-test.txt",
      "/%2e%2e/secret-dashboard-test.txt",
      "/assets/%2e%2e%2f..%2fsecret-dashboard-test.txt",
    ]) {
      const res = await makeApp(dir).request(path);
      expect(await res.text()).not.toBe("secret");
    }
  });

  it("answers 304 when the ETag still matches", async () => {
    const app = makeApp(dir);
    const first = await app.request("/");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await app.request("/", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("says how to build the dashboard when dist is missing", async () => {
    const res = await makeApp(join(dir, "does-not-exist")).request("/");
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).toContain("npm run build");
  });
});
