#!/usr/bin/env node
// Notifications benchmark (bench/notifications/notification-bench.ts, TypeScript run from source by tsx).
//   node bench/notifications/run.mjs [--quick] [--dialect=sqlite|mysql|both]
import { benchArgs, runTsxBench } from "../lib/tsx-bench.mjs";

runTsxBench("bench/notifications/notification-bench.ts", benchArgs(["dialect"]));
