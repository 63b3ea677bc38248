// A subscriber load-generator process (forked by the latency, resume and scale-out benchmarks):
// opens clients of kinds sse | ws (Scrapewatch), wsraw (a plain ws broadcast peer) and sio
// (Socket.IO), and checks delivery per client: every event carries `n=<seq>&t=<send ms>` in its
// url, so each client keeps a per-seq receipt count (exactly once?), its last cursor (strictly
// increasing?), the ingest → receipt latency, and, under churn, how long each reconnect took.
// Talks to its parent over IPC: connect, churn-start, churn-stop, progress, report, exit.
//
// Cheap on purpose: hundreds of clients share this process, and a reading taken here includes
// its own event-loop delay. So batches are never JSON.parsed: the batch id and each event's
// id and `n=…&t=…` marker are found with indexOf on the raw bytes (see batch-scan.mjs). SSE
// comes through node:http as Buffers; WebSocket is a raw TCP socket after a hand-written
// upgrade; Socket.IO keeps the real socket.io-client (recovery is its protocol) with a parser
// whose decoder hands batch packets over unparsed. The delay is measured and reported.
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { createRequire } from "node:module";
import { connect as tcpConnect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io } from "socket.io-client";
import { compareCursors, scan, scanBatch } from "./batch-scan.mjs";

const config = JSON.parse(process.argv[2]);
/** { clients: [{kind, url, sources|null, count}], capacity, expect, delay: [minMs, maxMs] } */
const { capacity, expect } = config;
/** Events numbered below this are delivered and checked but left out of the latency figures. */
const warmup = config.warmup ?? 0;
const [delayMin, delayMax] = config.delay ?? [0, 1000];
const BIN_MS = 0.1;
const HIST_BINS = 600_000; // 60 s at 0.1 ms
const hist = new Uint32Array(HIST_BINS);
const idBySeq = new Array(capacity);
let idMismatch = 0;
let stopping = false;
const clients = [];
const now = () => performance.timeOrigin + performance.now();

/**
 * Reconnect timings, all from the moment the client starts its new connection (after the random
 * delay) — "R". A batch whose cursor (its seal time, ms on this machine's clock) is before R
 * was missed and is replayed; the first batch sealed after R is live, and receiving it means
 * everything missed has arrived (the server sends in cursor order).
 */
const timings = {
  /** R → TCP connected (SSE: request sent; WS: socket open). */
  tcp: [],
  /** R → `connected` (SSE) / `subscribed` (WS) / Socket.IO `connect`. */
  handshake: [],
  /** R → first batch of any kind (a client that missed nothing waits here for the next seal). */
  firstBatch: [],
  /** R → first replayed batch, for reconnects that missed something. */
  firstReplayed: [],
  /** R → last replayed batch received: the gap is filled. This is "replay" in SPEC 13. */
  gapFilled: [],
  /** R → first live batch: caught up (includes waiting for that batch to be sealed). */
  caughtUp: [],
  /** Reconnects during which nothing was published for the client: nothing to replay. */
  nothingMissed: 0,
  /** Reconnects cut again before they caught up (no caughtUp sample). */
  interrupted: 0,
  /** Socket.IO reconnects its recovery did not honour (events lost, no replay). */
  notRecovered: 0,
};

/** This process's own event-loop delay (reset when the churn starts). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let cpuFrom = process.cpuUsage();
let cpuSince = now();

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
    parseErrors: 0,
    cursor: null,
    everConnected: false,
    /** The reconnect in progress: { at, wall, tcp, handshake, first, firstGap, lastGap } */
    resume: null,
    lastResume: null,
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

function startResume(c) {
  if (c.resume !== null) timings.interrupted += 1;
  c.resume = { at: now(), wall: Date.now(), first: null, firstGap: null, lastGap: null, lost: false };
}

function resumeStep(c, key) {
  // socket.io-client may hand over recovered packets before it emits `connect`: the reconnect
  // can be complete already when its handshake step is seen.
  const r = c.resume ?? c.lastResume;
  if (r !== null && r[key] === undefined) {
    r[key] = true;
    timings[key].push(now() - r.at);
  }
}

function trackResume(c, at, sealedMs) {
  const r = c.resume;
  if (r.first === null) {
    r.first = at;
    timings.firstBatch.push(at - r.at);
  }
  if (sealedMs < r.wall) {
    r.firstGap ??= at;
    r.lastGap = at;
    return;
  }
  timings.caughtUp.push(at - r.at);
  if (r.lastGap !== null) {
    timings.firstReplayed.push(r.firstGap - r.at);
    timings.gapFilled.push(r.lastGap - r.at);
  } else if (r.lost) timings.notRecovered += 1;
  else timings.nothingMissed += 1;
  c.lastResume = r;
  c.resume = null;
}

/** One batch, as the raw bytes of its JSON (`buf`). */
function onBatch(c, buf) {
  if (!scanBatch(buf)) {
    c.parseErrors += 1;
    return;
  }
  const at = now();
  if (c.cursor !== null && compareCursors(scan.id, c.cursor) <= 0) c.outOfOrder += 1;
  c.cursor = scan.id;
  if (c.resume !== null) trackResume(c, at, scan.sealedMs);
  const { ns, ts, ids } = scan;
  for (let k = 0; k < scan.count; k++) {
    const n = ns[k];
    if (n >= capacity) continue;
    if (n >= warmup) {
      const latency = at - ts[k];
      hist[Math.min(HIST_BINS - 1, Math.max(0, Math.floor(latency / BIN_MS)))] += 1;
    }
    if (c.seen[n] === 0) c.unique += 1;
    else c.duplicates += 1;
    if (c.seen[n] < 255) c.seen[n] += 1;
    const known = idBySeq[n];
    if (known === undefined) idBySeq[n] = ids[k];
    else if (known !== ids[k]) idMismatch += 1;
  }
  if (c.completeAt === null && expect > 0 && c.unique >= expect) c.completeAt = at;
}

/** A connection ended: reconnect after a random delay unless the run is over. */
function onDrop(c, gen) {
  if (gen !== c.gen) return;
  c.gen += 1;
  if (!c.cutting) c.unexpectedDrops += 1;
  c.cutting = false;
  if (stopping) return;
  const delay = delayMin + Math.random() * (delayMax - delayMin);
  setTimeout(() => {
    c.reconnects += 1;
    startResume(c);
    open(c);
  }, delay);
}

function onConnected(c, info) {
  // Only a first connection starts from the server's newest cursor; a resume keeps its own.
  if (!c.everConnected && c.cursor === null && info?.cursor) c.cursor = info.cursor;
  c.everConnected = true;
}

const startsWith = (buf, prefix, at = 0) =>
  buf.length - at >= prefix.length && buf.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;

const LFLF = Buffer.from("\n\n");
const SSE_METRICS = Buffer.from("event: metrics\n");
const SSE_DATA = Buffer.from("data: ");
const SSE_CONNECTED = Buffer.from("event: connected\n");
const SSE_RESET = Buffer.from("event: reset\n");

/** SSE over node:http; events are split on blank lines in the raw bytes. */
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
  req.on("socket", (socket) => socket.once("connect", () => resumeStep(c, "tcp")));
  req.on("response", (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      resolve(false);
      onDrop(c, gen);
      return;
    }
    let pending = null;
    res.on("data", (chunk) => {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let from = 0;
      for (let end = buf.indexOf(LFLF, from); end >= 0; end = buf.indexOf(LFLF, from)) {
        const block = buf.subarray(from, end);
        from = end + 2;
        if (startsWith(block, SSE_METRICS)) {
          const data = block.indexOf(SSE_DATA);
          if (data < 0) c.parseErrors += 1;
          else onBatch(c, block.subarray(data + SSE_DATA.length));
        } else if (startsWith(block, SSE_CONNECTED)) {
          const data = block.indexOf(SSE_DATA);
          onConnected(c, JSON.parse(block.subarray(data + SSE_DATA.length).toString()));
          resumeStep(c, "handshake");
          resolve(true);
        } else if (startsWith(block, SSE_RESET)) c.resets += 1;
      }
      pending = from < buf.length ? buf.subarray(from) : null;
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

const WS_METRICS = Buffer.from('{"type":"metrics"');
const HEADERS_END = Buffer.from("\r\n\r\n");
const SWITCHING = Buffer.from("HTTP/1.1 101");

/** A masked client frame (RFC 6455 §5.3) with a payload under 126 bytes (pong, close). */
function clientFrame(opcode, payload) {
  const key = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  key.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ key[i % 4];
  return frame;
}

/**
 * WebSocket on a raw TCP socket: upgrade by hand, then read unmasked server frames. The
 * subscription (sources, lastEventId) goes in the URL, which the server accepts like a
 * `subscribe` message; the client only ever writes pongs.
 */
function openWs(c, resolve) {
  const gen = c.gen;
  const target = new URL(c.url);
  if (c.kind === "ws") {
    if (c.sources) target.searchParams.set("sources", c.sources.join(","));
    if (c.cursor) target.searchParams.set("lastEventId", c.cursor);
  }
  const socket = tcpConnect({ host: target.hostname, port: Number(target.port) });
  socket.setNoDelay(true);
  c.handle = { cut: () => socket.destroy() };
  let upgraded = false;
  let pending = null;
  let fragments = null;
  const onMessage = (payload) => {
    if (startsWith(payload, WS_METRICS)) return onBatch(c, payload);
    const message = JSON.parse(payload.toString());
    if (message.type === "connected") onConnected(c, message);
    else if (message.type === "subscribed") {
      resumeStep(c, "handshake");
      resolve(true);
    } else if (message.type === "reset") c.resets += 1;
  };
  const onFrame = (opcode, fin, payload) => {
    if (opcode === 0x9) socket.write(clientFrame(0xa, payload));
    else if (opcode === 0x8) socket.destroy();
    else if (opcode === 0x1 || opcode === 0x0) {
      if (!fin || fragments) {
        fragments ??= [];
        fragments.push(Buffer.from(payload));
        if (!fin) return;
        payload = Buffer.concat(fragments);
        fragments = null;
      }
      onMessage(payload);
    }
  };
  socket.on("connect", () => {
    resumeStep(c, "tcp");
    socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n` +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    );
  });
  socket.on("data", (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    let p = 0;
    if (!upgraded) {
      const end = buf.indexOf(HEADERS_END);
      if (end < 0) {
        pending = buf;
        return;
      }
      if (!startsWith(buf, SWITCHING)) {
        socket.destroy();
        return;
      }
      upgraded = true;
      if (c.kind === "wsraw") resolve(true);
      p = end + 4;
    }
    for (;;) {
      if (buf.length - p < 2) break;
      const b0 = buf[p];
      const b1 = buf[p + 1];
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - p < 4) break;
        length = buf.readUInt16BE(p + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - p < 10) break;
        length = buf.readUInt32BE(p + 2) * 2 ** 32 + buf.readUInt32BE(p + 6);
        header = 10;
      }
      if (b1 & 0x80) header += 4; // servers do not mask; tolerate it anyway
      if (buf.length - p < header + length) break;
      onFrame(b0 & 0x0f, (b0 & 0x80) !== 0, buf.subarray(p + header, p + header + length));
      p += header + length;
      if (socket.destroyed) return;
    }
    buf = p < buf.length ? buf.subarray(p) : null;
    pending = buf;
  });
  socket.on("close", () => {
    resolve(false);
    onDrop(c, gen);
  });
  socket.on("error", () => {});
}

// socket.io-client with the default wire format, except that an event packet
// `2["metrics",{batch},"<offset>"]` is not JSON.parsed: the batch goes to the listener as
// { text, start, end } and the offset stays the last argument, where recovery reads it.
const sioParser = createRequire(createRequire(import.meta.url).resolve("socket.io-client"))(
  "socket.io-parser",
);
const SIO_METRICS = '2["metrics",';
class ScanningDecoder extends sioParser.Decoder {
  add(packet) {
    if (typeof packet !== "string" || !packet.startsWith(SIO_METRICS)) return super.add(packet);
    const close = packet.length - 1;
    let end = close;
    const data = ["metrics", null];
    if (packet.charCodeAt(close - 1) === 34 /* " */) {
      const quote = packet.lastIndexOf('"', close - 2);
      data.push(packet.slice(quote + 1, close - 1));
      end = quote - 1;
    }
    data[1] = { text: packet, start: SIO_METRICS.length, end };
    this.emitReserved("decoded", { type: sioParser.PacketType.EVENT, nsp: "/", data });
  }
}
const SIO_PARSER = { Encoder: sioParser.Encoder, Decoder: ScanningDecoder };

function openSio(c, resolve) {
  const socket = io(c.url, {
    transports: ["websocket"],
    forceNew: true,
    parser: SIO_PARSER,
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
  socket.on("metrics", (batch) =>
    onBatch(c, Buffer.from(batch.text.slice(batch.start, batch.end), "latin1")),
  );
  socket.io.on("reconnect_attempt", () => {
    c.reconnects += 1;
    // A failed attempt is retried; the reconnect started at the first one.
    if (c.resume === null) startResume(c);
  });
  socket.io.on("open", () => resumeStep(c, "tcp"));
  socket.on("connect", () => {
    resumeStep(c, "handshake");
    if (first) {
      first = false;
      resolve(true);
    } else if (socket.recovered) c.recovered += 1;
    else {
      c.notRecovered += 1;
      if (c.resume) c.resume.lost = true;
    }
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
  loopDelay.reset();
  cpuFrom = process.cpuUsage();
  cpuSince = now();
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
  const cpu = process.cpuUsage(cpuFrom);
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
    parseErrors: sum("parseErrors"),
    cuts: sum("cuts"),
    reconnects: sum("reconnects"),
    unexpectedDrops: sum("unexpectedDrops"),
    recovered: sum("recovered"),
    notRecovered: sum("notRecovered"),
    idMismatch,
    lastCompleteAt: completes.includes(null) ? null : Math.max(...completes),
    timings,
    hist: sparse(hist),
    binMs: BIN_MS,
    /** Since the churn started (or since start without churn). */
    loopDelayMs: {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (now() - cpuSince)) * 100,
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
