// The real process: SIGTERM (once or twice, to the process or its whole group) right after a
// burst → every accepted event is stored and the exit status is 0.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { describe, expect, it } from "vitest";
import { schedulerEvent, uniqueSource } from "../test/factories.ts";
import { countStored } from "../test/test-server.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

async function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"listening"[^\n]*"url":"([^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited with ${code} before listening:\n${output}`)),
    );
  });
  return { child, url, output: () => output };
}

describe.each([
  { dialect: "sqlite", signal: "SIGTERM", group: false, times: 1 },
  { dialect: "mysql", signal: "SIGTERM", group: true, times: 2 },
  { dialect: "sqlite", signal: "SIGINT", group: true, times: 1 },
] as const)(
  "$signal to the server ($dialect, group: $group, $times×)",
  ({ dialect, signal, group, times }) => {
    it("stores every accepted event and exits 0", async () => {
      const dir = mkdtempSync(join(tmpdir(), "scrapewatch-main-"));
      const database = await createTestDatabaseUrl(dialect);
      try {
        // Long intervals: at the signal, events are still batched and queued.
        const { child, url } = await startProcess({
          DATABASE_URL: database.url,
          BATCH_INTERVAL_MS: "60000",
          FLUSH_INTERVAL_MS: "60000",
          FLUSH_BATCH_SIZE: "100000",
          DEAD_LETTER_PATH: join(dir, "dl.ndjson"),
          SPILL_PATH: join(dir, "spill.ndjson"),
        });
        const source = uniqueSource("burst");
        let accepted = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            const response = await fetch(`${url}/api/v1/metrics`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(
                Array.from({ length: 2_500 }, (_, i) => schedulerEvent(source, { durationMs: i })),
              ),
            });
            expect(response.status).toBe(202);
            accepted += ((await response.json()) as { accepted: number }).accepted;
          }),
        );
        const exited = once(child, "exit");
        for (let i = 0; i < times; i++) {
          if (group && child.pid) process.kill(-child.pid, signal);
          else child.kill(signal);
        }
        const [code] = await exited;
        expect(code).toBe(0);
        expect(accepted).toBe(20_000);
        expect(await countStored(database.url, [source])).toBe(20_000);
      } finally {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
