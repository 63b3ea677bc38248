// Peer for the fan-out benchmark: a Socket.IO server broadcasting each batch with io.emit.
// POST /publish {"metrics":[…]} broadcasts one batch per source in the request.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { bySource } from "./by-source.mjs";

const port = Number(process.argv[2] ?? 0);
let seq = 0;

function broadcast(source, metrics) {
  const now = Date.now();
  io.emit("metrics", {
    id: `${now}-${seq++}`,
    source,
    count: metrics.length,
    timestamp: new Date(now).toISOString(),
    metrics: metrics.map((m, i) => ({ ...m, id: `${now}-${i}`, timestamp: new Date(now).toISOString() })),
  });
}

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") return;
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const { metrics } = JSON.parse(Buffer.concat(chunks).toString());
    for (const [source, group] of bySource(metrics)) broadcast(source, group);
    res.writeHead(202, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
server.listen(port, "127.0.0.1", () => process.send?.({ ready: server.address().port }));
