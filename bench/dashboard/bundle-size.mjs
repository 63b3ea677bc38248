// Initial JavaScript of the dashboard, gzipped: the entry script and every module it preloads,
// read from the built index.html (what a first visit downloads before the first paint).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "../../apps/dashboard/dist");
const BUDGET_KB = 250;

export function initialJs() {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const scripts = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ]
    .map((m) => m[1])
    .filter((src) => typeof src === "string");
  const files = [...new Set(scripts)].map((src) => {
    const body = readFileSync(join(dist, src.replace(/^\//, "")));
    return { file: src, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  const gzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { files, gzipKB: Math.round((gzipBytes / 1024) * 10) / 10, budgetKB: BUDGET_KB };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = initialJs();
  console.log(JSON.stringify(result, null, 2));
  if (result.gzipKB > BUDGET_KB) {
    console.error(`initial JS ${result.gzipKB} KB gzipped is over the ${BUDGET_KB} KB budget`);
    process.exit(1);
  }
}
