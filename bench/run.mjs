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
  "dashboard",
];
const root = fileURLToPath(new URL("..", import.meta.url));

let failed = 0;
for (const name of BENCHMARKS) {
  if (only && !only.includes(name)) continue;
  const script = fileURLToPath(new URL(`./${name}/run.mjs`, import.meta.url));
  if (!existsSync(script)) continue;
  console.log(`\n# bench/${name}${quick ? " (quick)" : ""}`);
  const result = spawnSync(process.execPath, [script, ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench/${name} failed with status ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
