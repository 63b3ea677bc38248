// Peer for the fan-out benchmark: the floor. The least work any Node server could do per
// delivery — no framework, no per-client state, no checks: it accepts SSE requests and
// WebSocket upgrades (handshake by hand), and per published batch builds one SSE frame and one
// WebSocket frame and writes that same Buffer to every socket. Its deliveries per CPU second
// are what this machine allows at all; every real server is measured against it.
// POST /publish {"metrics":[…]} broadcasts one batch per source in the request, like Scrapewatch.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { publishRoute } from "../../lib/publish-route.mjs";

const port = Number(process.argv[2] ?? 0);
const sse = new Set();
const ws = new Set();

/** `<hex length>\r\n<text>\r\n`: one chunk of a chunked HTTP/1.1 body. */
function chunk(text) {
  return Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}

/** An unmasked WebSocket text frame (FIN + opcode 1), for payloads under 64 KiB. */
function textFrame(text) {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  }
  frame.write(text, header, "utf8");
  return frame;
}

function broadcast(batch) {
  const json = JSON.stringify(batch);
  const id = batch.id;
  const sseFrame = chunk(`event: metrics\nid: ${id}\ndata: ${json}\n\n`);
  const wsFrame = textFrame(`{"type":"metrics",${json.slice(1)}`);
  for (const socket of sse) socket.write(sseFrame);
  for (const socket of ws) socket.write(wsFrame);
}

const server = createServer(
  publishRoute(broadcast, (req, res) => {
    if (req.method !== "GET" || !req.url.startsWith("/stream")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const socket = res.socket;
    socket.setNoDelay(true);
    socket.write(chunk("retry: 3000\n\nevent: connected\ndata: {}\n\n"));
    sse.add(socket);
    res.on("close", () => sse.delete(socket));
  }),
);

server.on("upgrade", (req, socket) => {
  const accept = createHash("sha1")
    .update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
    .digest("base64");
  socket.setNoDelay(true);
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  ws.add(socket);
  socket.on("error", () => {});
  socket.on("close", () => ws.delete(socket));
  // Client frames (a close, at most) are read and dropped.
  socket.resume();
});

server.listen(port, "127.0.0.1", () => process.send?.({ ready: server.address().port }));
