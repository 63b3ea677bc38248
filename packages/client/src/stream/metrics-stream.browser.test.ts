// MetricsStream inside a real Chromium page, loading the built SDK as an ES module: the browser
// transports (EventSource, the global WebSocket) with the token and cursor in the query.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../test/fixture-site.ts";
import { StreamServer } from "../../test/stream-server.ts";

declare const window: { received: string[]; states: string[] };

let browser: Browser;
let sdkDir: string;

beforeAll(async () => {
  sdkDir = mkdtempSync(join(tmpdir(), "scrapewatch-sdk-"));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const project = fileURLToPath(new URL("../../tsconfig.build.json", import.meta.url));
  execFileSync(process.execPath, [tsc, "-p", project, "--outDir", sdkDir, "--sourceMap", "false"]);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  rmSync(sdkDir, { recursive: true, force: true });
});

// A string, not a function: vitest would rewrite a dynamic import() inside a function.
async function openStream(page: Page, transport: string, source: string, token: string): Promise<void> {
  const options = JSON.stringify({ transport, sources: [source], token });
  await page.evaluate(`(async () => {
    const { MetricsStream } = await import("/sdk/index.js");
    window.received = [];
    window.states = [];
    const stream = new MetricsStream({
      ...${options},
      baseUrl: location.origin,
      reconnect: { initialDelayMs: 50, factor: 1.5, maxDelayMs: 300 },
    });
    stream.on("metrics", (batch) => window.received.push(batch.id));
    stream.on("connect", () => window.states.push("connect"));
    stream.on("disconnect", () => window.states.push("disconnect"));
    await stream.connect();
  })()`);
}

describe.each(["sse", "websocket"] as const)("MetricsStream in a browser over %s", (transport) => {
  it("streams with the token in the query and resumes across a server restart", async () => {
    const server = await new StreamServer({ token: "browser-secret", sdkDir }).start();
    const page = await browser.newPage();
    try {
      await page.goto(`${server.baseUrl}/page.html`);
      const source = `browser-${transport}`;
      await openStream(page, transport, source, "browser-secret");
      const first = server.publish(source);
      await page.waitForFunction((id) => window.received.includes(id), first.id);
      const port = server.port;
      await server.stop();
      await page.waitForFunction(() => window.states.includes("disconnect"));
      const missed = server.publish(source);
      await server.start(port);
      await page.waitForFunction(() => window.states.filter((s) => s === "connect").length === 2);
      const after = server.publish(source);
      await page.waitForFunction((id) => window.received.includes(id), after.id);
      expect(await page.evaluate(() => window.received)).toEqual([first.id, missed.id, after.id]);
      expect(server.resumes.at(-1)).toBe(first.id);
    } finally {
      await page.close();
      await server.stop();
    }
  });
});
