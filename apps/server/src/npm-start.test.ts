// `npm start` as a person runs it: Ctrl-C reaches the whole process group (npm, the shell, node),
// and npm itself must exit 0 once the server has stopped cleanly.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

describe("npm start", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "exits 0 when %s reaches its whole process group",
    async (signal) => {
      const dir = mkdtempSync(join(tmpdir(), "scrapewatch-npm-start-"));
      try {
        const child = spawn("npm", ["start", "--silent"], {
          cwd: ROOT,
          env: {
            ...terminalEnv(),
            PORT: "0",
            DEMO: "0",
            DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
            DEAD_LETTER_PATH: join(dir, "dl"),
            SPILL_PATH: join(dir, "spill"),
          },
          stdio: ["ignore", "pipe", "inherit"],
          detached: true,
        });
        let output = "";
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('"msg":"listening"')) resolve();
          });
          child.once("exit", (code) =>
            reject(new Error(`npm start exited with ${code} before listening:\n${output}`)),
          );
        });
        const exited = once(child, "exit");
        if (child.pid) process.kill(-child.pid, signal);
        const [code, killedBy] = (await exited) as [number | null, NodeJS.Signals | null];
        expect(killedBy).toBeNull();
        expect(code).toBe(0);
        expect(output).toContain('"msg":"stopped"');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});

/** The environment of a terminal: without the npm_* variables of the npm that runs the tests. */
function terminalEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
  );
}
