// Peer for the resume benchmark: Socket.IO 4 with connection state recovery, the library's own
// answer to "resume after a dropped connection". POST /publish {"metrics":[…]} broadcasts one
// batch to every client; a client that reconnects within two minutes gets what it missed.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { publishRoute } from "../../lib/publish-route.mjs";

const server = createServer(publishRoute((batch) => io.emit("metrics", batch)));
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  serveClient: false,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  process.send?.({ ready: server.address().port }),
);
