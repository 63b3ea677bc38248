// Starts the built server as a child process on a free port and resolves once it listens.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../apps/server/dist/main.js", import.meta.url));

// BENCH_SERVER_PROFILE=<dir> writes a CPU profile of every server a benchmark starts into <dir>.
const PROFILE = process.env.BENCH_SERVER_PROFILE
  ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`]
  : [];

export async function startServer(env, { logLevel = "warn" } = {}) {
  const child = spawn(process.execPath, [...PROFILE, MAIN], {
    env: { ...process.env, PORT: "0", DEMO: "0", ...env, LOG_LEVEL: "info", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (match) resolve(match[1]);
      if (output.length > 100_000) output = output.slice(-10_000);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  child.stdout.removeAllListeners("data");
  if (logLevel !== "silent") child.stdout.on("data", () => {});
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await done;
    },
  };
}
