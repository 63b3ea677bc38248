// Shutdown as a load balancer and a careless library see it: /readyz turns 503 at once, and a
// stray rejected promise is logged without ending the process.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { startTestServer } from "../test/test-server.ts";

describe("lifecycle", () => {
  it("answers /readyz 503 from the moment shutdown begins", async () => {
    const server = await startTestServer();
    const app = createApp(server.services);
    expect((await app.request("/readyz")).status).toBe(200);
    const stopping = server.shutdown();
    const during = await app.request("/readyz");
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ status: "unavailable" });
    await stopping;
    await server.stop();
  });

  it("logs an unhandled rejection instead of crashing", async () => {
    const lifecycle = fileURLToPath(new URL("./lifecycle.ts", import.meta.url));
    const logger = fileURLToPath(new URL("./logger.ts", import.meta.url));
    const script = `
      const { logUnhandledRejections } = await import(${JSON.stringify(lifecycle)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      logUnhandledRejections(createLogger("info"));
      Promise.reject(new Error("nobody awaited me"));
      setTimeout(() => { console.log("still alive"); process.exit(0); }, 100);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output).toContain('"msg":"unhandled promise rejection"');
    expect(output).toContain("nobody awaited me");
    expect(output).toContain("still alive");
  });
});
