// Peer for the resume benchmark: Socket.IO 4 with connection state recovery, the library's own
// answer to "resume after a dropped connection". POST /publish {"metrics":[…]} broadcasts one
// batch to every client; a client that reconnects within two minutes gets what it missed.
import { createServer } from "node:http";
import { Server } from "socket.io";

let seq = 0;
const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const { metrics } = JSON.parse(Buffer.concat(chunks).toString());
    const now = Date.now();
    const id = `${now}-${seq++}`;
    const timestamp = new Date(now).toISOString();
    io.emit("metrics", {
      id,
      source: metrics[0].source,
      count: metrics.length,
      timestamp,
      metrics: metrics.map((m, i) => ({ ...m, id: `${id}-${i}`, timestamp })),
    });
    res.writeHead(202, { "content-type": "application/json" }).end(`{"accepted":${metrics.length}}`);
  });
});
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  serveClient: false,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  process.send?.({ ready: server.address().port }),
);
