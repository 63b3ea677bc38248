// Peer for the fan-out benchmark: the approach of the original write-up — a plain `ws` server
// that JSON.stringifies each message and sends it to every client, one client at a time.
// POST /publish {"metrics":[…]} broadcasts one batch per source in the request.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { publishRoute } from "../../lib/publish-route.mjs";

const port = Number(process.argv[2] ?? 0);
const server = createServer(
  publishRoute((batch) => {
    for (const client of wss.clients) {
      if (client.readyState === 1) client.send(JSON.stringify({ type: "metrics", ...batch }));
    }
  }),
);
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(port, "127.0.0.1", () => process.send?.({ ready: server.address().port }));
