#!/usr/bin/env node
// Fan-out benchmark (SPEC 13): N SSE + N WebSocket clients on one Scrapewatch instance, and the
// same number of clients on three peers in the same run — the floor (raw sockets, one pre-built
// frame written to each: the least work any server could do), a plain `ws` broadcast server that
// stringifies per client, and a Socket.IO server. Clients live in separate load-generator
// processes. Reports publish → receipt latency p50/p99, RSS per idle connection, and
// deliveries per CPU second of the server process.
//
//   node bench/fanout/run.mjs [--quick] [--clients N] [--publishes P] [--rate R]
//                             [--batch-size B] [--sources S] [--loadgens K] [--rounds R]
//                             [--only scrapewatch,floor,ws,socketio]
//                             [--probe-ingest] [--sio-client] [--profile DIR]  (CPU profile of the Scrapewatch server into DIR)
//
// --sources S: each publish carries B events for each of S sources, so every server seals S
// batches at once and every client (subscribed to all S) receives S frames in the same tick.
// --rounds R: runs the targets R times, interleaved, and reports each run and the medians.
// A target `scrapewatch+KEY=VALUE` runs Scrapewatch with that extra environment (A/B runs).
// --sio-client: Socket.IO clients are socket.io-client instead of the raw engine.io reader.
// --probe-ingest: times a small ingest request every 20 ms during the fan-outs (Scrapewatch
// only; it costs the server a little CPU, so it is off for the delivery-rate figures).
//
// Needs the built server (`npm run build`). One process may hold at most `ulimit -n` sockets.
import { fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = parseArgs(process.argv.slice(2));
const quick = args.quick === true;
const clients = Number(args.clients ?? (quick ? 200 : 9_900));
const publishes = Number(args.publishes ?? (quick ? 10 : 20));
const rate = Number(args.rate ?? 2);
const batchSize = Number(args["batch-size"] ?? 10);
const loadgens = Number(args.loadgens ?? (quick ? 1 : 2));
const sources = Number(args.sources ?? 1);
const rounds = Number(args.rounds ?? 1);
const only = String(args.only ?? "scrapewatch,floor,ws,socketio").split(",");
const loadgenScript = args.loadgen ? String(args.loadgen) : join(here, "loadgen.mjs");
const sourceNames = Array.from({ length: sources }, (_, i) => `bench-${i}`);
const profile = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : [];
const CLK_TCK = 100;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "");
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) out[key] = true;
    else {
      out[key] = value;
      i++;
    }
  }
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function waitHttp(url) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`not reachable: ${url}`);
}

function loadAverage() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function startTarget(target) {
  const [name, ...extra] = target.split("+");
  const port = await freePort();
  if (name === "scrapewatch") {
    const dir = mkdtempSync(join(tmpdir(), "sw-bench-fanout-"));
    const child = spawn(process.execPath, [...profile, join(root, "apps/server/dist/main.js")], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dir, "bench.db")}`,
        DEAD_LETTER_PATH: join(dir, "dead.ndjson"),
        SPILL_PATH: join(dir, "spill.ndjson"),
        BATCH_INTERVAL_MS: "0",
        MAX_CLIENTS: "100000",
        // Every load generator connects from one address without a token: lift the per-client cap.
        MAX_STREAMS_PER_CLIENT: "100000",
        SSE_HEARTBEAT_MS: "600000",
        HEARTBEAT_INTERVAL_MS: "600000",
        LOG_LEVEL: "error",
        DEMO: "0",
        ...Object.fromEntries(extra.map((kv) => kv.split("="))),
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    await waitHttp(`http://127.0.0.1:${port}/healthz`);
    return {
      child,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
      publishUrl: `http://127.0.0.1:${port}/api/v1/metrics`,
      kinds: [
        ["sse", `http://127.0.0.1:${port}/api/v1/stream?sources=${sourceNames.join(",")}`],
        ["ws", `ws://127.0.0.1:${port}/api/v1/ws?sources=${sourceNames.join(",")}`],
      ],
    };
  }
  const scripts = { floor: "raw-floor.mjs", ws: "ws-broadcast.mjs", socketio: "socketio.mjs" };
  const child = fork(join(here, "peers", scripts[name]), [String(port)], { stdio: "inherit" });
  await new Promise((resolve) => child.once("message", resolve));
  if (name === "floor") {
    return {
      child,
      cleanup: () => {},
      publishUrl: `http://127.0.0.1:${port}/publish`,
      kinds: [
        ["sse", `http://127.0.0.1:${port}/stream`],
        ["ws", `ws://127.0.0.1:${port}/`],
      ],
    };
  }
  const kind = name === "ws" ? "ws" : args["sio-client"] ? "sio-client" : "sio";
  const clientUrl = name === "ws" ? `ws://127.0.0.1:${port}/` : `http://127.0.0.1:${port}`;
  return {
    child,
    cleanup: () => {},
    publishUrl: `http://127.0.0.1:${port}/publish`,
    kinds: [
      [kind, clientUrl],
      [kind, clientUrl],
    ],
  };
}

function startLoadgen(kind, url, count) {
  const child = fork(loadgenScript, [JSON.stringify({ kind, url, count, concurrency: 50 })], {
    stdio: "inherit",
  });
  const waiters = new Map();
  child.on("message", (message) => waiters.get(message.type)?.(message));
  const ask = (type, cmd) =>
    new Promise((resolve) => {
      waiters.set(type, resolve);
      if (cmd) child.send({ cmd });
    });
  return { child, connected: ask("connected"), ask };
}

function percentile(hist, total, p) {
  const want = Math.ceil(total * p);
  let seen = 0;
  for (const [bucket, count] of hist) {
    seen += count;
    if (seen >= want) return bucket;
  }
  return Number.NaN;
}

function percentileOf(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)];
}

/** While batches fan out, one small ingest request of an unwatched source every 20 ms: how long
 *  ingest waits behind a fan-out (Scrapewatch only; the peers have no ingest to speak of). */
function probeIngest(url) {
  const times = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          metrics: [
            {
              type: "navigation",
              source: "probe",
              url: "https://bench.test/probe",
              durationMs: 1,
              success: true,
            },
          ],
        }),
      });
      await response.arrayBuffer();
      times.push(Date.now() - t);
      await sleep(Math.max(0, t + 20 - Date.now()));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return times;
    },
  };
}

async function runTarget(name) {
  const loadBefore = loadAverage();
  const target = await startTarget(name);
  const pid = target.child.pid;
  await sleep(1000);
  const rssBefore = rssBytes(pid);
  const gens = [];
  const connectStarted = Date.now();
  for (const [kind, url] of target.kinds) {
    const share = Math.floor(clients / loadgens);
    for (let i = 0; i < loadgens; i++) {
      const count = i === loadgens - 1 ? clients - share * (loadgens - 1) : share;
      gens.push(startLoadgen(kind, url, count));
    }
  }
  const connected = await Promise.all(gens.map((g) => g.connected));
  const open = connected.reduce((n, m) => n + m.count, 0);
  const connectErrors = connected.reduce((n, m) => n + m.errors, 0);
  const connectSeconds = (Date.now() - connectStarted) / 1000;
  await sleep(3000);
  const rssIdle = rssBytes(pid);

  const cpuStart = cpuSeconds(pid);
  const loadgenCpu = () => gens.reduce((n, g) => n + cpuSeconds(g.child.pid), 0);
  const loadgenCpuStart = loadgenCpu();
  const started = Date.now();
  const probe =
    args["probe-ingest"] && name.startsWith("scrapewatch") ? probeIngest(target.publishUrl) : null;
  for (let p = 0; p < publishes; p++) {
    const t = Date.now();
    const metrics = sourceNames.flatMap((source) =>
      Array.from({ length: batchSize }, (_, i) => ({
        type: "navigation",
        source,
        url: `https://bench.test/p?t=${t}&i=${i}`,
        durationMs: 100 + i,
        success: true,
        // The health fields of SPEC 15, so every streamed frame is as wide as a real one.
        statusCode: 200,
        proxy: `10.0.${i % 4}.1:8080`,
        bytes: 20_000 + i,
      })),
    );
    const response = await fetch(target.publishUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metrics }),
    });
    if (response.status !== 202) throw new Error(`publish answered ${response.status}`);
    await sleep(Math.max(0, started + ((p + 1) * 1000) / rate - Date.now()));
  }
  const ingest = probe ? await probe.stop() : null;
  const perClient = publishes * sources;
  const expected = open * perClient;
  const deadline = Date.now() + 60_000;
  let received = 0;
  while (Date.now() < deadline) {
    const progress = await Promise.all(gens.map((g) => g.ask("progress", "progress")));
    received = progress.reduce((n, m) => n + m.received, 0);
    if (received >= expected) break;
    await sleep(200);
  }
  const cpu = cpuSeconds(pid) - cpuStart;
  const clientCpu = loadgenCpu() - loadgenCpuStart;
  const reports = await Promise.all(gens.map((g) => g.ask("report", "report")));
  const merge = (key) => {
    const merged = new Map();
    for (const report of reports) {
      for (const [bucket, count] of Object.entries(report[key])) {
        merged.set(Number(bucket), (merged.get(Number(bucket)) ?? 0) + count);
      }
    }
    return [...merged.entries()].sort((a, b) => a[0] - b[0]);
  };
  const hist = merge("hist");
  const sealHist = merge("sealHist");
  const total = hist.reduce((n, [, c]) => n + c, 0);
  const sealTotal = sealHist.reduce((n, [, c]) => n + c, 0);
  const rssEnd = rssBytes(pid);
  const bytes = reports.reduce((n, r) => n + (r.bytes ?? 0), 0);
  const malformed = reports.reduce((n, r) => n + (r.malformed ?? 0), 0);
  // Every client must have received every batch exactly once.
  let clientsOff = 0;
  for (const report of reports) {
    for (const [n, c] of Object.entries(report.perClientCounts ?? {}))
      if (Number(n) !== perClient) clientsOff += c;
  }
  for (const g of gens) g.child.send({ cmd: "exit" });
  target.child.kill("SIGTERM");
  await new Promise((resolve) => target.child.once("exit", resolve));
  target.cleanup();
  return {
    name,
    clients: open,
    connectErrors,
    connectSeconds,
    rssBeforeMiB: rssBefore / 2 ** 20,
    rssIdleMiB: rssIdle / 2 ** 20,
    rssPerConnKB: (rssIdle - rssBefore) / open / 1000,
    rssEndMiB: rssEnd / 2 ** 20,
    expected,
    received,
    p50: percentile(hist, total, 0.5),
    p99: percentile(hist, total, 0.99),
    max: hist.at(-1)?.[0] ?? Number.NaN,
    sealP50: percentile(sealHist, sealTotal, 0.5),
    sealP99: percentile(sealHist, sealTotal, 0.99),
    cpuSeconds: cpu,
    deliveriesPerCpuSecond: received / cpu,
    loadgenCpuSeconds: clientCpu,
    ingestP50: ingest ? percentileOf(ingest, 0.5) : null,
    ingestP99: ingest ? percentileOf(ingest, 0.99) : null,
    ingestMax: ingest ? Math.max(...ingest) : null,
    bytesPerDelivery: bytes / Math.max(1, received),
    malformed,
    clientsOff,
    loadBefore,
    loadAfter: loadAverage(),
  };
}

const targets = ["scrapewatch", "floor", "ws", "socketio"].filter((n) => only.includes(n));
targets.push(...only.filter((n) => n.startsWith("scrapewatch+")));
const results = [];
for (let round = 0; round < rounds; round++) {
  for (const name of targets) {
    process.stderr.write(`fanout: ${name} with ${clients * 2} clients (round ${round + 1}/${rounds})…\n`);
    results.push({ round, ...(await runTarget(name)) });
    await sleep(2000);
  }
}

const label = {
  scrapewatch: "Scrapewatch (SSE + WS)",
  floor: "floor: raw sockets (SSE + WS)",
  ws: "plain ws broadcast",
  socketio: "Socket.IO",
};
const labelOf = (name) => label[name] ?? name.replace(/^scrapewatch/, "Scrapewatch");
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const lines = [
  `clients: ${clients} + ${clients} per target, ${loadgens} load-generator process(es) per half; ` +
    `${publishes} publishes of ${batchSize} events × ${sources} source(s) at ${rate}/s; Node ${process.version}`,
  "",
  "| server | round | clients | connect errors | p50 ms | p99 ms | max ms | p50 / p99 from seal | idle RSS per conn | deliveries | clients off | bytes / delivery | server CPU s | deliveries / CPU s | load-generator CPU s | ingest p50 / p99 / max ms | load avg before → after |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${labelOf(r.name)} | ${r.round + 1} | ${r.clients} | ${r.connectErrors} | ${r.p50} | ${r.p99} | ${r.max} | ${r.sealP50} / ${r.sealP99} | ${r.rssPerConnKB.toFixed(1)} KB | ${r.received}/${r.expected} | ${r.clientsOff + r.malformed} | ${Math.round(r.bytesPerDelivery)} | ${r.cpuSeconds.toFixed(2)} | ${Math.round(r.deliveriesPerCpuSecond)} | ${r.loadgenCpuSeconds.toFixed(2)} | ${r.ingestP50 === null ? "—" : `${r.ingestP50} / ${r.ingestP99} / ${r.ingestMax}`} | ${r.loadBefore} → ${r.loadAfter} |`,
  ),
];
const summary = new Map();
for (const name of targets) {
  const runs = results.filter((r) => r.name === name);
  summary.set(name, {
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    rate: median(runs.map((r) => r.deliveriesPerCpuSecond)),
  });
}
if (rounds > 1) {
  lines.push(
    "",
    "| server | median p50 ms | median p99 ms | median deliveries / CPU s |",
    "|---|---|---|---|",
  );
  for (const [name, m] of summary)
    lines.push(`| ${labelOf(name)} | ${m.p50} | ${m.p99} | ${Math.round(m.rate)} |`);
}
const ratio = (a, b) => (summary.has(a) && summary.has(b) ? summary.get(a).rate / summary.get(b).rate : null);
lines.push("");
for (const [a, b, text] of [
  ["scrapewatch", "floor", "Scrapewatch delivery rate as a fraction of the floor"],
  ["scrapewatch", "ws", "Scrapewatch delivery rate vs plain ws"],
  ["scrapewatch", "socketio", "Scrapewatch delivery rate vs Socket.IO"],
  ["floor", "socketio", "floor delivery rate vs Socket.IO (the most any server could reach here)"],
  ...targets
    .filter((n) => n.startsWith("scrapewatch+"))
    .map((n) => [n, "scrapewatch", `${n} vs scrapewatch`]),
]) {
  const value = ratio(a, b);
  if (value !== null) lines.push(`${text}: ${value.toFixed(2)}×`);
}
console.log(lines.join("\n"));
console.log(`\n${JSON.stringify(results, null, 2)}`);
process.exit(0);
