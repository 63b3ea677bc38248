// Peer for the fan-out benchmark: the approach of the original write-up — a plain `ws` server
// that JSON.stringifies each message and sends it to every client, one client at a time.
// POST /publish {"metrics":[…]} broadcasts one batch per source in the request.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { bySource } from "./by-source.mjs";

const port = Number(process.argv[2] ?? 0);
let seq = 0;

function broadcast(source, metrics) {
  const now = Date.now();
  const batch = {
    id: `${now}-${seq++}`,
    source,
    count: metrics.length,
    timestamp: new Date(now).toISOString(),
    metrics: metrics.map((m, i) => ({ ...m, id: `${now}-${i}`, timestamp: new Date(now).toISOString() })),
  };
  for (const client of wss.clients) {
    if (client.readyState === 1) client.send(JSON.stringify({ type: "metrics", ...batch }));
  }
}

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const { metrics } = JSON.parse(Buffer.concat(chunks).toString());
    for (const [source, group] of bySource(metrics)) broadcast(source, group);
    res.writeHead(202, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(port, "127.0.0.1", () => process.send?.({ ready: server.address().port }));
