// Runs a benchmark written in TypeScript from the sources through tsx, the workspace packages
// resolved to their src/ (the "source" condition), so it needs no build.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

/**
 * This process's arguments as the benchmark takes them: `--quick`, and `--name=value` as
 * `--name value` for each of `options`. Anything else is left out: bench/run.mjs hands every
 * benchmark all of its own arguments (`--only=…`), which the benchmark's parseArgs would refuse.
 */
export function benchArgs(options) {
  return process.argv.slice(2).flatMap((arg) => {
    if (arg === "--quick") return [arg];
    const option = options.find((name) => arg.startsWith(`--${name}=`));
    return option ? [`--${option}`, arg.slice(option.length + 3)] : [];
  });
}

/** Runs `script` (a path from the repository root) with `args`, and exits with its status. */
export function runTsxBench(script, args) {
  const result = spawnSync(tsx, ["--conditions=source", script, ...args], { cwd: root, stdio: "inherit" });
  process.exit(result.status ?? 1);
}
