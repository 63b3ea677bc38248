#!/usr/bin/env node
// Aggregation benchmark (bench/aggregation/aggregation-bench.ts, TypeScript run from source by tsx).
//   node bench/aggregation/run.mjs [--quick] [--dialect=sqlite|mysql|both]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const args = process.argv
  .slice(2)
  .flatMap((arg) =>
    arg.startsWith("--dialect=") ? ["--dialect", arg.slice(10)] : arg === "--quick" ? [arg] : [],
  );
const result = spawnSync(tsx, ["--conditions=source", "bench/aggregation/aggregation-bench.ts", ...args], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
