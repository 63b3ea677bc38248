// `POST /publish {"metrics":[…]}` of the benchmark peers: builds one batch the way the server
// would (a cursor id, event ids and timestamps) and hands it to `broadcast`; anything else is 404.
export function publishRoute(broadcast) {
  let seq = 0;
  return (req, res) => {
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
      broadcast({
        id,
        source: metrics[0].source,
        count: metrics.length,
        timestamp,
        metrics: metrics.map((m, i) => ({ ...m, id: `${id}-${i}`, timestamp })),
      });
      res.writeHead(202, { "content-type": "application/json" }).end(`{"accepted":${metrics.length}}`);
    });
  };
}
