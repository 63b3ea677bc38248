// Small statistics helpers shared by the benchmarks.
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function parseArgs(argv = process.argv.slice(2)) {
  const args = { quick: false };
  for (const arg of argv) {
    if (arg === "--quick") args.quick = true;
    const match = /^--([\w-]+)=(.*)$/.exec(arg);
    if (match) args[match[1]] = match[2];
  }
  return args;
}

export function machine() {
  return `${process.platform} ${process.arch}, Node ${process.version}`;
}
