// `npm run bench [-- --quick]`: runs every benchmark under bench/ in turn, each against its
// peers in the same run, and prints their Markdown tables (copied into BENCHMARKS.md).
// `--quick` is a small smoke run for CI: it checks the benchmarks work, never a timing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const BENCHMARKS = [
  "ingest",
  "fanout",
  "latency",
  "resume",
  "aggregation",
  "sqlite-event-loop",
  "scaleout",
  "memory",
  "monitors",
  "dashboard",
  "notifications",
];
const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = fileURLToPath(new URL(".", import.meta.url));

// The peers (Socket.IO, ws) are the benchmarks' own dependencies (bench/package.json), kept out
// of the product's install: installed here, from bench/package-lock.json, on the first run.
if (!existsSync(fileURLToPath(new URL("./node_modules/socket.io-client/package.json", import.meta.url)))) {
  console.log("installing the benchmarks' peers (bench/package.json)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const install = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: benchDir, stdio: "inherit" });
  if (install.status !== 0) {
    console.error("could not install bench/package.json (npm ci in bench/)");
    process.exit(1);
  }
}

/** Per benchmark in a --quick run; each takes well under a minute on a quiet machine. */
const QUICK_TIMEOUT_MS = 8 * 60_000;

let failed = 0;
for (const name of BENCHMARKS) {
  if (only && !only.includes(name)) continue;
  const script = fileURLToPath(new URL(`./${name}/run.mjs`, import.meta.url));
  if (!existsSync(script)) continue;
  console.log(`\n# bench/${name}${quick ? " (quick)" : ""}`);
  const result = spawnSync(process.execPath, [script, ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
    // The smoke run is part of `npm test`: a benchmark that hangs fails it instead of holding CI.
    ...(quick ? { timeout: QUICK_TIMEOUT_MS, killSignal: "SIGKILL" } : {}),
  });
  if (result.error) console.error(`bench/${name}: ${result.error.message}`);
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench/${name} failed with status ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
