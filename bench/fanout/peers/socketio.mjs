// Peer for the fan-out benchmark: a Socket.IO server broadcasting each batch with io.emit.
// POST /publish {"metrics":[…]} broadcasts one batch per source in the request.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { publishRoute } from "../../lib/publish-route.mjs";

const port = Number(process.argv[2] ?? 0);
const server = createServer(publishRoute((batch) => io.emit("metrics", batch)));
const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
server.listen(port, "127.0.0.1", () => process.send?.({ ready: server.address().port }));
