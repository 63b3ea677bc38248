// A load-generator process of the fan-out benchmark: opens `count` clients of one kind
// (sse | ws | sio) to `url`, and records publish → receipt latency of every batch it receives
// from the `t=<ms>` its events carry. Talks to run.mjs over IPC.
import { connect } from "node:net";
import { io } from "socket.io-client";
import WebSocket from "ws";

const { kind, url, count, concurrency } = JSON.parse(process.argv[2]);
const HIST_MAX = 60_000;
const hist = new Uint32Array(HIST_MAX + 1);
/** Latency from the batch's own timestamp (when the server sealed it): fan-out alone. */
const sealHist = new Uint32Array(HIST_MAX + 1);
let received = 0;
let errors = 0;
const sockets = [];

function record(t, sealedAt) {
  const now = Date.now();
  hist[Math.max(0, Math.min(HIST_MAX, now - t))] += 1;
  if (Number.isFinite(sealedAt)) sealHist[Math.max(0, Math.min(HIST_MAX, now - sealedAt))] += 1;
  received += 1;
}

/** The batch's timestamp: the first "timestamp" in the frame (batch fields come first). */
function sealedFrom(text, from) {
  const at = text.indexOf('"timestamp":"', from);
  return at < 0 ? Number.NaN : Date.parse(text.slice(at + 13, at + 37));
}

function timeFrom(text, from) {
  const at = text.indexOf("?t=", from);
  return at < 0 ? null : Number.parseInt(text.slice(at + 3, at + 20), 10);
}

function openSse() {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname);
    let pending = "";
    let open = false;
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    socket.on("data", (chunk) => {
      pending += chunk;
      if (!open && pending.includes("event: connected")) {
        open = true;
        resolve();
      }
      for (;;) {
        const start = pending.indexOf("event: metrics");
        if (start < 0) {
          // Keep only a tail that could begin a marker.
          if (pending.length > 64) pending = pending.slice(-32);
          return;
        }
        const end = pending.indexOf("\n\n", start);
        if (end < 0) {
          pending = pending.slice(start);
          return;
        }
        const t = timeFrom(pending, start);
        if (t !== null) record(t, sealedFrom(pending, start));
        pending = pending.slice(end + 2);
      }
    });
    socket.on("error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

function openWs() {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on("message", (data) => {
      const buf = data;
      if (buf[2] !== 0x74 || buf.indexOf('"type":"metrics"') !== 1) return; // {"type":"metrics"
      const text = buf.toString("latin1", 0, Math.min(buf.length, 600));
      const t = timeFrom(text, 0);
      if (t !== null) record(t, sealedFrom(text, 0));
    });
    socket.on("open", () => resolve());
    socket.on("error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

function openSio() {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
    socket.on("metrics", (batch) => {
      const t = timeFrom(batch.metrics[0]?.url ?? "", 0);
      if (t !== null) record(t, Date.parse(batch.timestamp));
    });
    socket.on("connect", () => resolve());
    socket.on("connect_error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

const open = { sse: openSse, ws: openWs, sio: openSio }[kind];

async function main() {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next += 1;
      await open();
    }
  });
  await Promise.all(workers);
  process.send({ type: "connected", count: count - errors, errors });
}

process.on("message", (message) => {
  if (message.cmd === "progress") process.send({ type: "progress", received });
  if (message.cmd === "report") {
    const sparse = (h) => {
      const out = {};
      for (let i = 0; i <= HIST_MAX; i++) if (h[i] > 0) out[i] = h[i];
      return out;
    };
    process.send({ type: "report", received, errors, hist: sparse(hist), sealHist: sparse(sealHist) });
  }
  if (message.cmd === "exit") process.exit(0);
});

main();
