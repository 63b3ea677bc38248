import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { IngestServer } from "../test/ingest-server.ts";

const CHILD = fileURLToPath(new URL("../test/fixtures/exit-child.ts", import.meta.url));
const servers: IngestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

function runChild(baseUrl: string, mode: string, source: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CHILD, baseUrl, mode, source], {
    stdio: ["ignore", "pipe", "inherit"],
  });
}

async function ready(child: ChildProcess): Promise<void> {
  const stdout = child.stdout;
  if (!stdout) throw new Error("no stdout");
  for await (const chunk of stdout) if (String(chunk).includes("ready")) return;
}

describe("flush on process exit", () => {
  it("sends what a script recorded when it runs out of work, and exits 0", async () => {
    const server = await new IngestServer().start();
    servers.push(server);
    const child = runChild(server.baseUrl, "natural", "exit-natural");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(server.events.map((e) => e.source)).toEqual(["exit-natural", "exit-natural", "exit-natural"]);
  });

  it("sends what was recorded on SIGTERM, then ends by the signal as before", async () => {
    const server = await new IngestServer().start();
    servers.push(server);
    const child = runChild(server.baseUrl, "signal", "exit-signal");
    await ready(child);
    child.kill("SIGTERM");
    const [code, signal] = await once(child, "exit");
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
    expect(server.events).toHaveLength(3);
  });

  it("flushes on SIGINT too", async () => {
    const server = await new IngestServer().start();
    servers.push(server);
    const child = runChild(server.baseUrl, "signal", "exit-sigint");
    await ready(child);
    child.kill("SIGINT");
    const [, signal] = await once(child, "exit");
    expect(signal).toBe("SIGINT");
    expect(server.events).toHaveLength(3);
  });

  it("leaves the exit to an application that handles SIGTERM itself", async () => {
    const server = await new IngestServer().start();
    servers.push(server);
    const child = runChild(server.baseUrl, "app-handler", "exit-app");
    await ready(child);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(server.events).toHaveLength(3);
  });
});
