// Dashboard smoothness under load: 20 sources × 10 events/s streamed into a real browser, on the
// overview and then on the live charts, measuring frame intervals (requestAnimationFrame) and
// long tasks (PerformanceObserver 'longtask'). Starts its own built server on a free port.
//   node bench/dashboard/render-load.mjs [--seconds=20] [--sources=20] [--rate=10]
//   [--url=http://host:port]  measure a server already running instead of starting one
//   [--no-load]               do not post events (someone else does)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { startServer } from "../lib/server-process.mjs";
import { parseArgs } from "../lib/stats.mjs";
import { initialJs } from "./bundle-size.mjs";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
const TICK_MS = 100;

/** Posts `rate` events per second for each source, in one request every TICK_MS. */
export function startLoad(url, sourceCount, rate) {
  const perTick = (rate * TICK_MS) / 1000;
  let sent = 0;
  let failed = 0;
  let carry = 0;
  const timer = setInterval(() => {
    carry += perTick;
    const n = Math.floor(carry);
    carry -= n;
    const metrics = [];
    for (let s = 0; s < sourceCount; s += 1) {
      for (let k = 0; k < n; k += 1) {
        const source = `bench-${String(s).padStart(2, "0")}`;
        const nav = (sent + k) % 2 === 0;
        metrics.push(
          nav
            ? {
                type: "navigation",
                source,
                url: "https://example.test/",
                durationMs: 300 + Math.round(Math.random() * 900),
                retryCount: Math.random() < 0.1 ? 1 : 0,
                success: Math.random() > 0.03,
              }
            : {
                type: "scrape",
                source,
                url: "https://example.test/",
                durationMs: 100 + Math.round(Math.random() * 400),
                itemsExtracted: Math.round(Math.random() * 40),
                success: Math.random() > 0.03,
              },
        );
      }
    }
    if (metrics.length === 0) return;
    sent += metrics.length;
    fetch(`${url}/api/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metrics }),
    })
      .then((r) => {
        if (r.status !== 202) failed += metrics.length;
      })
      .catch(() => {
        failed += metrics.length;
      });
  }, TICK_MS);
  return { stop: () => clearInterval(timer), counts: () => ({ sent, failed }) };
}

// Installed before the page's own scripts: records every frame interval and long task.
const PROBE = () => {
  const probe = { frames: [], longTasks: [] };
  window.__probe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
  let last = performance.now();
  const tick = (now) => {
    probe.frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

function summarize(frames, longTasks) {
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p) =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
  return {
    frames: frames.length,
    frameP50Ms: q(0.5),
    frameP95Ms: q(0.95),
    frameP99Ms: q(0.99),
    frameMaxMs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
    framesOver20Ms: frames.filter((f) => f > 20).length,
    longTasks: longTasks.length,
    longTaskMaxMs: Math.round(Math.max(0, ...longTasks)),
  };
}

/** Main-thread time spent working (not idle) per second, from a CPU profile of the renderer. */
function busyMsPerSecond(profile, seconds) {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) busyUs += profile.timeDeltas[i] ?? 0;
  });
  return Math.round(busyUs / 1000 / seconds);
}

async function measure(page, seconds) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await page.evaluate(() => {
    window.__probe.frames.length = 0;
    window.__probe.longTasks.length = 0;
  });
  await cdp.send("Profiler.start");
  await page.waitForTimeout(seconds * 1000);
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.detach();
  const { frames, longTasks } = await page.evaluate(() => ({
    frames: window.__probe.frames.slice(1),
    longTasks: window.__probe.longTasks.slice(),
  }));
  return { ...summarize(frames, longTasks), mainThreadBusyMsPerSecond: busyMsPerSecond(profile, seconds) };
}

/** Loads a server with `sources` × `rate` events/s and measures the page on both views. */
export async function measureDashboard({
  seconds = 20,
  sources = 20,
  rate = 10,
  url: given,
  load = true,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "scrapewatch-bench-dashboard-"));
  const own = given
    ? null
    : await startServer({
        DATABASE_URL: `file:${join(dir, "bench.db")}`,
        DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
        SPILL_PATH: join(dir, "unwritten.ndjson"),
      });
  const url = given ?? own?.url;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const traffic = load
    ? startLoad(url, sources, rate)
    : { stop() {}, counts: () => ({ sent: 0, failed: 0 }) };
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(PROBE);
    await page.goto(url);
    await page.getByTestId("connection-badge").filter({ hasText: "Live · SSE" }).waitFor({ timeout: 30_000 });
    const last = `bench-${String(sources - 1).padStart(2, "0")}`;
    await page.getByTestId(`source-card-${last}`).waitFor({ timeout: 30_000 });
    const overview = await measure(page, seconds);
    await page.getByTestId("source-card-bench-00").getByRole("button").first().click();
    await page.locator(".recharts-surface").first().waitFor();
    const charts = await measure(page, seconds);
    return {
      date: new Date().toISOString(),
      sources,
      eventsPerSecondPerSource: rate,
      secondsPerView: seconds,
      badgeAtEnd: await page.getByTestId("connection-badge").textContent(),
      // Other work on the machine skews frame times: recorded so that a reader can judge.
      machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 100) / 100 },
      load: traffic.counts(),
      initialJs: initialJs(),
      overview,
      charts,
    };
  } finally {
    traffic.stop();
    await browser.close();
    await own?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs();
  const result = await measureDashboard({
    seconds: Number(args.seconds ?? 20),
    sources: Number(args.sources ?? 20),
    rate: Number(args.rate ?? 10),
    url: args.url,
    load: !process.argv.includes("--no-load"),
  });
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(REPO, "bench/results"), { recursive: true });
  writeFileSync(join(REPO, "bench/results/dashboard.json"), JSON.stringify(result, null, 2));
}
