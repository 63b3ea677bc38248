// The Playwright example (examples/playwright-scraper) end to end: real Chromium, its own
// fixture site, reporting to a real server. Run from sources so no build is needed.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories.ts";
import { countStored, eventually, startTestServer, type TestServer } from "./test-server.ts";

const EXAMPLE = fileURLToPath(new URL("../../../examples/playwright-scraper/run.mjs", import.meta.url));
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

describe("examples/playwright-scraper", () => {
  it("scrapes its fixture site with Chromium and every metric reaches the server", async () => {
    const server = await startTestServer();
    servers.push(server);
    const source = uniqueSource("example");
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", EXAMPLE], {
      env: { ...process.env, SCRAPEWATCH_URL: server.url, SOURCE: source },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    const [code] = await once(child, "exit");
    expect(code, output).toBe(0);
    expect(output).toContain("scraped 10 trades");
    expect(output).toContain("metrics sent: 13, dropped: 0");
    // 6 navigations (NVDA's failed first attempt is recorded too) + 5 scrapes for the source; its
    // scheduler run is stored as started, then finished.
    await eventually(
      () => countStored(server.databaseUrl, [source]),
      (n) => n === 11,
    );
    await eventually(
      () => countStored(server.databaseUrl, [`${source}-run`]),
      (n) => n === 2,
    );
  }, 60_000);
});
