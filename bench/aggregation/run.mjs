#!/usr/bin/env node
// Aggregation benchmark (bench/aggregation/aggregation-bench.ts, TypeScript run from source by tsx).
//   node bench/aggregation/run.mjs [--quick] [--dialect=sqlite|mysql|both]
import { benchArgs, runTsxBench } from "../lib/tsx-bench.mjs";

runTsxBench("bench/aggregation/aggregation-bench.ts", benchArgs(["dialect"]));
