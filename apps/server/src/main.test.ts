// The real process: SIGTERM (once or twice, to the process or its whole group) right after a
// burst → every accepted event is stored and the exit status is 0.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { describe, expect, it } from "vitest";
import { startServerProcess } from "../test/server-process.ts";
import { schedulerEvent, uniqueSource } from "../test/factories.ts";
import { countStored } from "../test/test-server.ts";

function startProcess(env: Record<string, string>) {
  return startServerProcess(env, { detached: true });
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
