// A load-generator process of the fan-out benchmark: opens `count` clients of one kind
// (sse | ws | sio | sio-client) to `url`, and records publish → receipt latency of every batch
// it receives from the `t=<ms>` its events carry, and how many batches each client received.
// Talks to run.mjs over IPC.
//
// The load generators share the server's 2 cores, and their receive work delays what they
// measure (a slow reader also makes the server's writes costlier), so every client is as lean as
// it can be and read the same way for every target: raw TCP sockets, a hand-written WebSocket
// upgrade, frames parsed from Buffers (no `ws` client, no per-message strings). Socket.IO's
// engine.io packets are read by the same WebSocket reader; `sio-client` is socket.io-client.
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { io } from "socket.io-client";

const { kind, url, count, concurrency } = JSON.parse(process.argv[2]);
const HIST_MAX = 60_000;
const hist = new Uint32Array(HIST_MAX + 1);
/** Latency from the batch's own timestamp (when the server sealed it): fan-out alone. */
const sealHist = new Uint32Array(HIST_MAX + 1);
let received = 0;
let bytes = 0;
let errors = 0;
/** Unexpected frames (fragmented, masked, unparsable): must stay 0 for the figures to hold. */
let malformed = 0;
/** Batches received, per client: every client must end with the same number. */
const perClient = [];
const sockets = [];

const T_MARK = Buffer.from("?t=");
const TIMESTAMP_MARK = Buffer.from('"timestamp":"');
const SSE_CONNECTED = Buffer.from("event: connected");
const SSE_METRICS = Buffer.from("event: metrics");
const SSE_END = Buffer.from("\n\n");
const WS_METRICS = Buffer.from('{"type":"metrics"');

function record(client, t, sealedAt) {
  const now = Date.now();
  hist[Math.max(0, Math.min(HIST_MAX, now - t))] += 1;
  if (Number.isFinite(sealedAt)) sealHist[Math.max(0, Math.min(HIST_MAX, now - sealedAt))] += 1;
  perClient[client] += 1;
  received += 1;
}

/** Decimal digits at `at`, read from the bytes. */
function digitsAt(buf, at, end) {
  let value = 0;
  let i = at;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  return i === at ? Number.NaN : value;
}

/** Records the batch in buf[start, end): its publish time (`?t=`) and its seal time (the first
 *  "timestamp", as batch fields come before the events). */
function recordFrame(client, buf, start, end) {
  const tAt = buf.indexOf(T_MARK, start);
  const t = tAt < 0 || tAt >= end ? Number.NaN : digitsAt(buf, tAt + 3, end);
  if (Number.isNaN(t)) {
    malformed += 1;
    return;
  }
  const sAt = buf.indexOf(TIMESTAMP_MARK, start);
  const sealed = sAt < 0 || sAt + 37 > end ? Number.NaN : Date.parse(buf.latin1Slice(sAt + 13, sAt + 37));
  record(client, t, sealed);
}

function newClient() {
  perClient.push(0);
  return perClient.length - 1;
}

function openSse() {
  const target = new URL(url);
  const client = newClient();
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname);
    /** Bytes of an event not complete yet (rare: a frame split across reads). */
    let pending = null;
    let open = false;
    socket.on("connect", () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    socket.on("data", (chunk) => {
      bytes += chunk.length;
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!open && buf.indexOf(SSE_CONNECTED) >= 0) {
        open = true;
        resolve();
      }
      let from = 0;
      for (;;) {
        const start = buf.indexOf(SSE_METRICS, from);
        if (start < 0) {
          // Keep only a tail that could begin a marker.
          if (buf.length - from > 0) pending = Buffer.from(buf.subarray(Math.max(from, buf.length - 32)));
          return;
        }
        const end = buf.indexOf(SSE_END, start);
        if (end < 0) {
          pending = Buffer.from(buf.subarray(start));
          return;
        }
        recordFrame(client, buf, start, end);
        from = end + 2;
      }
    });
    socket.on("error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A masked, empty pong (clients must mask: RFC 6455 §5.3). */
const PONG = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);

/** A client text frame: clients must mask (RFC 6455 §5.3); a zero mask leaves the bytes as is. */
function clientText(text) {
  const payload = Buffer.from(text);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  payload.copy(frame, 6);
  return frame;
}

/**
 * A WebSocket client on a raw TCP socket: upgrade by hand, then every complete text frame goes to
 * `onText(buf, start, end, socket)`, which returns true once the client counts as connected
 * (plain WebSocket: at the upgrade). Pings are answered.
 */
function openRawWs(wsUrl, onText, connectedAtUpgrade) {
  const target = new URL(wsUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname);
    const key = randomBytes(16).toString("base64");
    const accept = createHash("sha1")
      .update(key + WS_GUID)
      .digest("base64");
    let pending = null;
    let open = false;
    socket.setNoDelay(true);
    socket.on("connect", () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    socket.on("data", (chunk) => {
      bytes += chunk.length;
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      let at = 0;
      if (!open) {
        const headEnd = buf.indexOf("\r\n\r\n");
        if (headEnd < 0) {
          pending = Buffer.from(buf);
          return;
        }
        const head = buf.latin1Slice(0, headEnd);
        if (!head.startsWith("HTTP/1.1 101") || !head.includes(accept)) {
          errors += 1;
          socket.destroy();
          resolve();
          return;
        }
        open = true;
        if (connectedAtUpgrade) resolve();
        at = headEnd + 4;
      }
      while (at + 2 <= buf.length) {
        const b0 = buf[at];
        const b1 = buf[at + 1];
        let length = b1 & 0x7f;
        let header = 2;
        if (length === 126) {
          if (at + 4 > buf.length) break;
          length = buf.readUInt16BE(at + 2);
          header = 4;
        } else if (length === 127) {
          if (at + 10 > buf.length) break;
          length = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
          header = 10;
        }
        if (at + header + length > buf.length) break;
        const opcode = b0 & 0x0f;
        const start = at + header;
        const end = start + length;
        if ((b0 & 0x80) === 0 || (b1 & 0x80) !== 0 || opcode === 0) malformed += 1;
        else if (opcode === 1) {
          if (onText(buf, start, end, socket)) resolve();
        } else if (opcode === 9) socket.write(PONG);
        at = end;
      }
      if (at < buf.length) pending = Buffer.from(buf.subarray(at));
    });
    socket.on("error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

function startsWith(buf, start, end, prefix) {
  return (
    end - start >= prefix.length && buf.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0
  );
}

function openWs() {
  const client = newClient();
  return openRawWs(
    url,
    (buf, start, end) => {
      if (startsWith(buf, start, end, WS_METRICS)) recordFrame(client, buf, start, end);
      return false;
    },
    true,
  );
}

// Socket.IO v4 over its WebSocket transport, read the same way: engine.io packets are text
// frames — "0{…}" open (answered with "40", joining the "/" namespace), "40{…}" joined, "2"
// ping (answered "3"), and "42[\"metrics\",{…}]" an event, whose batch fields come first.
const SIO_METRICS = Buffer.from('42["metrics",');
const SIO_JOIN = clientText("40");
const SIO_PONG = clientText("3");

function openSioRaw() {
  const client = newClient();
  const target = new URL(url);
  const wsUrl = `ws://${target.host}/socket.io/?EIO=4&transport=websocket`;
  return openRawWs(
    wsUrl,
    (buf, start, end, socket) => {
      if (startsWith(buf, start, end, SIO_METRICS)) {
        recordFrame(client, buf, start, end);
        return false;
      }
      const type = buf[start];
      if (type === 0x30 /* "0": open */) socket.write(SIO_JOIN);
      else if (type === 0x34 /* "40": joined */ && buf[start + 1] === 0x30) return true;
      else if (type === 0x32 /* "2": ping */ && end - start === 1) socket.write(SIO_PONG);
      return false;
    },
    false,
  );
}

function openSio() {
  const client = newClient();
  return new Promise((resolve) => {
    const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
    socket.on("metrics", (batch) => {
      const first = batch.metrics[0]?.url ?? "";
      const at = first.indexOf("?t=");
      const t = at < 0 ? Number.NaN : Number.parseInt(first.slice(at + 3), 10);
      if (Number.isNaN(t)) malformed += 1;
      else record(client, t, Date.parse(batch.timestamp));
    });
    socket.on("connect", () => {
      socket.io.engine.on("data", (data) => {
        bytes += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
      });
      resolve();
    });
    socket.on("connect_error", () => {
      errors += 1;
      resolve();
    });
    sockets.push(socket);
  });
}

const open = { sse: openSse, ws: openWs, sio: openSioRaw, "sio-client": openSio }[kind];

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
      for (let i = 0; i < h.length; i++) if (h[i] > 0) out[i] = h[i];
      return out;
    };
    const perClientCounts = {};
    for (const n of perClient) perClientCounts[n] = (perClientCounts[n] ?? 0) + 1;
    process.send({
      type: "report",
      received,
      bytes,
      errors,
      malformed,
      perClientCounts,
      hist: sparse(hist),
      sealHist: sparse(sealHist),
    });
  }
  if (message.cmd === "exit") process.exit(0);
});

main();
