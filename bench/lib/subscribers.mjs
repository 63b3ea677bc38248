// A subscriber load-generator process (forked by the latency, resume and scale-out benchmarks):
// opens clients of kinds sse | ws (Scrapewatch), wsraw (a plain ws broadcast peer) and sio
// (Socket.IO), and checks delivery per client: every event carries `n=<seq>&t=<send ms>` in its
// url, so each client keeps a per-seq receipt count (exactly once?), its last cursor (strictly
// increasing?), the ingest → receipt latency, and, under churn, the reconnect → first batch time.
// Talks to its parent over IPC: connect, churn-start, churn-stop, progress, report, exit.
import { request } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io } from "socket.io-client";
import WebSocket from "ws";

const config = JSON.parse(process.argv[2]);
/** { clients: [{kind, url, sources|null, count}], capacity, expect, delay: [minMs, maxMs] } */
const { capacity, expect } = config;
/** Events numbered below this are delivered and checked but left out of the latency figures. */
const warmup = config.warmup ?? 0;
const [delayMin, delayMax] = config.delay ?? [0, 1000];
const BIN_MS = 0.1;
const HIST_BINS = 600_000; // 60 s at 0.1 ms
const hist = new Uint32Array(HIST_BINS);
const replay = [];
/** Connection established (connected / subscribed / Socket.IO connect) → first batch. */
const replayAfterConnect = [];
const idBySeq = new Array(capacity);
let idMismatch = 0;
let stopping = false;
const clients = [];
const now = () => performance.timeOrigin + performance.now();
/** This process's own event-loop delay: a reading taken here includes it. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpuAtStart = process.cpuUsage();
const startedAt = now();
const URL_MARK = /[?&]n=(\d+)&t=([\d.]+)/;

function compareCursors(a, b) {
  const pa = a.split("-").map(Number);
  const pb = b.split("-").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function newClient(spec, index) {
  return {
    index,
    kind: spec.kind,
    url: spec.url,
    sources: spec.sources ?? null,
    seen: new Uint8Array(capacity),
    unique: 0,
    duplicates: 0,
    outOfOrder: 0,
    resets: 0,
    cursor: null,
    everConnected: false,
    awaitingFirst: null,
    connectedAt: null,
    reconnects: 0,
    cuts: 0,
    unexpectedDrops: 0,
    recovered: 0,
    notRecovered: 0,
    gen: 0,
    cutting: false,
    completeAt: null,
    handle: null,
  };
}

const debug = process.env.BENCH_DEBUG ? (...a) => console.error(`[${c0()}]`, ...a) : () => {};
const t0 = Date.now();
const c0 = () => Date.now() - t0;

function onBatch(c, batch) {
  const at = now();
  debug(c.index, c.kind, "batch", batch.id, batch.count);
  if (c.cursor !== null && typeof batch.id === "string" && compareCursors(batch.id, c.cursor) <= 0) {
    c.outOfOrder += 1;
  }
  if (typeof batch.id === "string") c.cursor = batch.id;
  if (c.awaitingFirst !== null) {
    replay.push(at - c.awaitingFirst);
    c.awaitingFirst = null;
    if (c.connectedAt !== null) replayAfterConnect.push(at - c.connectedAt);
  }
  c.connectedAt = null;
  for (const metric of batch.metrics) {
    const mark = URL_MARK.exec(metric.url ?? "");
    if (!mark) continue;
    const n = Number(mark[1]);
    if (n >= capacity) continue;
    const latency = at - Number(mark[2]);
    if (n >= warmup) hist[Math.min(HIST_BINS - 1, Math.max(0, Math.floor(latency / BIN_MS)))] += 1;
    if (c.seen[n] === 0) c.unique += 1;
    else c.duplicates += 1;
    if (c.seen[n] < 255) c.seen[n] += 1;
    const known = idBySeq[n];
    if (known === undefined) idBySeq[n] = metric.id;
    else if (known !== metric.id) idMismatch += 1;
  }
  if (c.completeAt === null && expect > 0 && c.unique >= expect) c.completeAt = at;
}

/** A connection ended: reconnect after a random delay unless the run is over. */
function onDrop(c, gen) {
  debug(c.index, c.kind, "drop", gen, c.gen, c.cutting);
  if (gen !== c.gen) return;
  c.gen += 1;
  if (!c.cutting) c.unexpectedDrops += 1;
  c.cutting = false;
  if (stopping) return;
  const delay = delayMin + Math.random() * (delayMax - delayMin);
  setTimeout(() => {
    debug(c.index, c.kind, "reconnect", c.cursor);
    c.reconnects += 1;
    c.awaitingFirst = now();
    open(c);
  }, delay);
}

function onConnected(c, info) {
  if (c.awaitingFirst !== null) c.connectedAt = now();
  // Only a first connection starts from the server's newest cursor; a resume keeps its own.
  if (!c.everConnected && c.cursor === null && info?.cursor) c.cursor = info.cursor;
  c.everConnected = true;
}

function openSse(c, resolve) {
  const gen = c.gen;
  const target = new URL(c.url);
  const headers = { accept: "text/event-stream" };
  if (c.cursor) headers["last-event-id"] = c.cursor;
  const req = request({
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    headers,
    agent: false,
  });
  c.handle = { cut: () => req.destroy() };
  req.on("response", (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      resolve(false);
      onDrop(c, gen);
      return;
    }
    res.setEncoding("utf8");
    let pending = "";
    res.on("data", (text) => {
      pending += text;
      for (let end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        let name = "message";
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (name === "metrics") onBatch(c, JSON.parse(data));
        else if (name === "connected") {
          onConnected(c, JSON.parse(data));
          resolve(true);
        } else if (name === "reset") c.resets += 1;
      }
    });
    res.on("close", () => onDrop(c, gen));
    res.on("error", () => {});
  });
  req.on("error", () => {
    resolve(false);
    onDrop(c, gen);
  });
  req.end();
}

function openWs(c, resolve) {
  const gen = c.gen;
  const socket = new WebSocket(c.url, { perMessageDeflate: false });
  c.handle = { cut: () => socket.terminate() };
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === "metrics") onBatch(c, message);
    else if (message.type === "connected") {
      if (c.kind === "wsraw") return;
      onConnected(c, message);
      const subscribe = { type: "subscribe" };
      if (c.sources) subscribe.sources = c.sources;
      if (c.cursor) subscribe.lastEventId = c.cursor;
      socket.send(JSON.stringify(subscribe));
    } else if (message.type === "subscribed") {
      if (c.awaitingFirst !== null) c.connectedAt = now();
      resolve(true);
    } else if (message.type === "reset") c.resets += 1;
  });
  socket.on("open", () => {
    if (c.kind === "wsraw") resolve(true);
  });
  socket.on("close", () => onDrop(c, gen));
  socket.on("error", () => resolve(false));
}

function openSio(c, resolve) {
  const socket = io(c.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: Math.max(1, (delayMin + delayMax) / 2),
    randomizationFactor: delayMax > delayMin ? (delayMax - delayMin) / (delayMax + delayMin) : 0,
    reconnectionDelayMax: Math.max(1, delayMax),
  });
  let first = true;
  c.handle = {
    cut: () => {
      const ws = socket.io.engine?.transport?.ws;
      if (ws && typeof ws.terminate === "function") ws.terminate();
      else socket.io.engine?.close();
    },
  };
  socket.on("metrics", (batch) => onBatch(c, batch));
  socket.io.on("reconnect_attempt", () => {
    c.reconnects += 1;
    if (c.awaitingFirst === null) c.awaitingFirst = now();
  });
  socket.on("connect", () => {
    if (c.awaitingFirst !== null) c.connectedAt = now();
    if (first) {
      first = false;
      resolve(true);
    } else if (socket.recovered) c.recovered += 1;
    else c.notRecovered += 1;
  });
  socket.on("disconnect", () => {
    if (!c.cutting) c.unexpectedDrops += 1;
    c.cutting = false;
  });
  socket.on("connect_error", () => {
    if (first) {
      first = false;
      resolve(false);
    }
  });
  c.sio = socket;
}

function open(c) {
  return new Promise((resolve) => {
    if (c.kind === "sse") openSse(c, resolve);
    else if (c.kind === "sio") openSio(c, resolve);
    else openWs(c, resolve);
  });
}

function cut(c) {
  if (stopping || c.handle === null) return;
  c.cuts += 1;
  c.cutting = true;
  c.handle.cut();
}

const timers = [];
function startChurn(periodMs) {
  clients.forEach((c, i) => {
    const offset = ((i + 0.5) / clients.length) * periodMs;
    timers.push(
      setTimeout(() => {
        cut(c);
        timers.push(setInterval(() => cut(c), periodMs));
      }, offset),
    );
  });
}

function stopChurn() {
  for (const timer of timers) {
    clearTimeout(timer);
    clearInterval(timer);
  }
}

function sparse(h) {
  const out = {};
  for (let i = 0; i < h.length; i++) if (h[i] > 0) out[i] = h[i];
  return out;
}

function report(total, ids) {
  let missing = 0;
  let duplicated = 0;
  let exactClients = 0;
  for (const c of clients) {
    let clientMissing = 0;
    let clientDup = 0;
    for (let n = 0; n < total; n++) {
      if (c.seen[n] === 0) clientMissing += 1;
      else if (c.seen[n] > 1) clientDup += 1;
    }
    missing += clientMissing;
    duplicated += clientDup;
    if (clientMissing === 0 && clientDup === 0) exactClients += 1;
  }
  if (ids) {
    for (let n = 0; n < total; n++) {
      if (idBySeq[n] !== undefined && ids[n] !== undefined && ids[n] !== idBySeq[n]) idMismatch += 1;
    }
  }
  const sum = (key) => clients.reduce((acc, c) => acc + c[key], 0);
  const completes = clients.map((c) => c.completeAt);
  return {
    type: "report",
    clients: clients.length,
    expectedPerClient: total,
    delivered: sum("unique"),
    missing,
    duplicatedEvents: duplicated,
    duplicateReceipts: sum("duplicates"),
    exactClients,
    outOfOrder: sum("outOfOrder"),
    resets: sum("resets"),
    cuts: sum("cuts"),
    reconnects: sum("reconnects"),
    unexpectedDrops: sum("unexpectedDrops"),
    recovered: sum("recovered"),
    notRecovered: sum("notRecovered"),
    idMismatch,
    lastCompleteAt: completes.includes(null) ? null : Math.max(...completes),
    replay,
    replayAfterConnect,
    hist: sparse(hist),
    binMs: BIN_MS,
    loopDelayMs: {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
    cpuPercent: (() => {
      const used = process.cpuUsage(cpuAtStart);
      return ((used.user + used.system) / 1000 / (now() - startedAt)) * 100;
    })(),
  };
}

process.on("message", async (message) => {
  if (message.cmd === "connect") {
    let index = 0;
    for (const spec of config.clients) {
      for (let i = 0; i < spec.count; i++) clients.push(newClient(spec, index++));
    }
    let next = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < clients.length) {
          const c = clients[next++];
          if (!(await open(c))) errors += 1;
        }
      }),
    );
    process.send({ type: "connected", count: clients.length - errors, errors });
  }
  if (message.cmd === "churn-start") startChurn(message.periodMs);
  if (message.cmd === "churn-stop") stopChurn();
  if (message.cmd === "progress") {
    const min = clients.reduce((m, c) => Math.min(m, c.unique), Number.POSITIVE_INFINITY);
    process.send({ type: "progress", min, total: clients.reduce((s, c) => s + c.unique, 0) });
  }
  if (message.cmd === "report") {
    stopping = true;
    stopChurn();
    process.send(report(message.total, message.ids));
  }
  if (message.cmd === "exit") {
    stopping = true;
    for (const c of clients) {
      c.sio?.close();
      c.handle?.cut();
    }
    setTimeout(() => process.exit(0), 50).unref();
  }
});
process.send({ type: "ready" });
