// Browser journeys (e2e/) against the real built server, which serves API and dashboard on one
// port. The port is free-picked and the SQLite database fresh on every run; both are put in the
// environment so that the worker processes (which load this file again) agree with the runner.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumArgs, serverEnv } from "./e2e/env.ts";

function freePortSync(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}

process.env.E2E_PORT ??= freePortSync();
process.env.E2E_DIR ??= mkdtempSync(join(tmpdir(), "scrapewatch-e2e-"));
const port = process.env.E2E_PORT;
const dir = process.env.E2E_DIR;
process.env.E2E_DATABASE_URL ??= `file:${join(dir, "e2e.db")}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  globalTeardown: "./e2e/global-teardown.ts",
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: { executablePath: "/usr/bin/chromium", args: chromiumArgs },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // turbo only rebuilds what changed; the server then serves apps/dashboard/dist at `/`.
    command:
      "npx turbo run build --filter=@scrapewatch/server --filter=@scrapewatch/dashboard --output-logs=errors-only && exec node apps/server/dist/main.js",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      ...serverEnv,
      PORT: port,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
      SPILL_PATH: join(dir, "unwritten.ndjson"),
    },
  },
});
