#!/usr/bin/env node
// Monitors benchmark (bench/monitors/monitors-bench.ts, TypeScript run from source by tsx).
//   node bench/monitors/run.mjs [--quick] [--monitors=N]
import { benchArgs, runTsxBench } from "../lib/tsx-bench.mjs";

runTsxBench("bench/monitors/monitors-bench.ts", benchArgs(["monitors"]));
