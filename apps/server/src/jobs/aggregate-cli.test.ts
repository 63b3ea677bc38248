// The CLI as cron runs it: a process of its own, in a directory with a .env, on a fresh database.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("./aggregate-cli.ts", import.meta.url));
// Resolved from here: the CLI runs in a directory of its own, where `tsx` is not installed.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function runCli(args: string[], env: Record<string, string> = {}) {
  dir ||= mkdtempSync(join(tmpdir(), "scrapewatch-cli-"));
  const child = spawn(process.execPath, ["--conditions=source", "--import", TSX, CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("npm run aggregate", () => {
  it("prints its usage with --help and exits 0", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: npm run aggregate -- [--date YYYY-MM-DD]");
    expect(stdout).toContain("Exit codes:");
  });

  it("exits 2 with the usage on an unknown option or a bad date", async () => {
    const unknown = await runCli(["--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Usage:");
    expect((await runCli(["--date", "2026-02-30"])).code).toBe(2);
  });

  it("reads .env (the environment wins) and reports the days summarized and the rows deleted", async () => {
    // MariaDB: the SQLite worker of a process started from TypeScript sources needs tsx in its
    // working directory, and this one runs in a directory of its own.
    const database = await createTestDatabaseUrl("mysql");
    dir = mkdtempSync(join(tmpdir(), "scrapewatch-cli-"));
    writeFileSync(join(dir, ".env"), `# settings\nDATABASE_URL=${database.url}\nRETENTION_DAYS=9\n`);
    const { code, stdout, stderr } = await runCli(["--date", "2026-01-02"], { RETENTION_DAYS: "5" }).finally(
      () => database.drop(),
    );
    expect(code, stderr).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === "aggregate starting")).toMatchObject({ retentionDays: 5 });
    expect(lines.find((line) => line.msg === "summarized a day")).toMatchObject({ date: "2026-01-02" });
    expect(lines.some((line) => line.msg === "deleting raw events past retention")).toBe(true);
    expect(stderr).toMatch(/aggregate: summarized 1 day\(s\): 2026-01-02; deleted 0 raw event\(s\) before /);
  });
});
