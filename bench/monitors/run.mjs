#!/usr/bin/env node
// Monitors benchmark (bench/monitors/monitors-bench.ts, TypeScript run from source by tsx).
//   node bench/monitors/run.mjs [--quick] [--monitors=N]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const args = process.argv
  .slice(2)
  .flatMap((arg) =>
    arg.startsWith("--monitors=") ? ["--monitors", arg.slice(11)] : arg === "--quick" ? [arg] : [],
  );
const result = spawnSync(tsx, ["--conditions=source", "bench/monitors/monitors-bench.ts", ...args], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
