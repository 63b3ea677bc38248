// Dashboard benchmark: initial JavaScript gzipped (budget 250 KB) and, in a real browser with
// 20 sources × 10 events/s streaming, frame times, long tasks and main-thread busy time on the
// overview and on the live charts. `--quick` checks it works on a tiny load (no timing claims).
import { parseArgs } from "../lib/stats.mjs";
import { initialJs } from "./bundle-size.mjs";
import { measureDashboard } from "./render-load.mjs";

const args = parseArgs();
const size = initialJs();
console.log("\n## Dashboard: initial JavaScript\n");
console.log("| file | bytes | gzipped |\n|---|---|---|");
for (const f of size.files)
  console.log(`| ${f.file} | ${f.bytes.toLocaleString("en-US")} | ${f.gzipBytes.toLocaleString("en-US")} |`);
console.log(`| **total initial JS** | | **${size.gzipKB} KB** (budget ${size.budgetKB} KB) |`);

const result = await measureDashboard(
  args.quick
    ? { seconds: 2, sources: 2, rate: 2 }
    : {
        seconds: Number(args.seconds ?? 20),
        sources: Number(args.sources ?? 20),
        rate: Number(args.rate ?? 10),
      },
);
const row = (name, m) =>
  `| ${name} | ${m.frameP50Ms} / ${m.frameP95Ms} / ${m.frameP99Ms} | ${m.framesOver20Ms} of ${m.frames} | ${m.longTasks} | ${m.longTaskMaxMs} | ${m.mainThreadBusyMsPerSecond} |`;
console.log(
  `\n## Dashboard under load (${result.sources} sources × ${result.eventsPerSecondPerSource} events/s, ${result.secondsPerView} s per view, load average ${result.machine.loadAverage1m} on ${result.machine.cpus} CPUs)\n`,
);
console.log(
  "| view | frame interval p50 / p95 / p99 (ms) | frames > 20 ms | long tasks | longest task (ms) | main thread busy (ms/s) |",
);
console.log("|---|---|---|---|---|---|");
console.log(row("overview", result.overview));
console.log(row("live charts", result.charts));
if (size.gzipKB > size.budgetKB) {
  console.error(`initial JS ${size.gzipKB} KB is over the ${size.budgetKB} KB budget`);
  process.exit(1);
}
