// Dashboard smoothness under load: 20 sources × 10 events/s streamed into a real browser, on the
// overview and then on the live charts, measuring frame intervals (requestAnimationFrame) and
// long tasks (PerformanceObserver 'longtask'). Starts its own built server on a free port.
//   node bench/dashboard/render-load.mjs [--seconds 20] [--sources 20] [--rate 10]
//   [--url http://host:port]  measure a server already running (and loaded by someone else with
//   --no-load) instead of starting one.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { initialJs } from "./bundle-size.mjs";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
const args = Object.fromEntries(
  process.argv.slice(2).flatMap((arg, i, all) => (arg.startsWith("--") ? [[arg.slice(2), all[i + 1]]] : [])),
);
const SECONDS = Number(args.seconds ?? 20);
const SOURCES = Number(args.sources ?? 20);
const RATE = Number(args.rate ?? 10); // events per second per source
const TICK_MS = 100;

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(port, dir) {
  const child = spawn(process.execPath, [join(REPO, "apps/server/dist/main.js")], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${join(dir, "bench.db")}`,
      DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
      SPILL_PATH: join(dir, "unwritten.ndjson"),
      DEMO: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGTERM");
  throw new Error("server did not start");
}

/** Posts RATE events per second for each source, in one request every TICK_MS. */
function startLoad(url) {
  const perTick = (RATE * TICK_MS) / 1000;
  let sent = 0;
  let failed = 0;
  let carry = 0;
  const timer = setInterval(() => {
    carry += perTick;
    const n = Math.floor(carry);
    carry -= n;
    const metrics = [];
    for (let s = 0; s < SOURCES; s += 1) {
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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "scrapewatch-bench-dashboard-"));
  const own = args.url ? null : await startServer(await freePort(), dir);
  const url = args.url ?? own?.url;
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
  const load = "no-load" in args ? { stop() {}, counts: () => ({ sent: 0, failed: 0 }) } : startLoad(url);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(PROBE);
    await page.goto(url);
    await page.getByTestId("connection-badge").filter({ hasText: "Live · SSE" }).waitFor({ timeout: 30_000 });
    await page.getByTestId("source-card-bench-19").waitFor({ timeout: 30_000 });
    const overview = await measure(page, SECONDS);
    await page.getByTestId("source-card-bench-00").getByRole("button").first().click();
    await page.locator(".recharts-surface").first().waitFor();
    const charts = await measure(page, SECONDS);
    const delivered = await page.getByTestId("connection-badge").textContent();
    const result = {
      date: new Date().toISOString(),
      sources: SOURCES,
      eventsPerSecondPerSource: RATE,
      secondsPerView: SECONDS,
      badgeAtEnd: delivered,
      // Other work on the machine skews frame times: recorded so that a reader can judge.
      machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 100) / 100 },
      load: load.counts(),
      initialJs: initialJs(),
      overview,
      charts,
    };
    console.log(JSON.stringify(result, null, 2));
    if (own) {
      mkdirSync(join(REPO, "bench/results"), { recursive: true });
      writeFileSync(join(REPO, "bench/results/dashboard.json"), JSON.stringify(result, null, 2));
    }
  } finally {
    load.stop();
    await browser.close();
    if (own) {
      own.child.kill("SIGTERM");
      await new Promise((resolve) => own.child.once("exit", resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
