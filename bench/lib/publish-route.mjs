// `POST /publish {"metrics":[…]}` of the benchmark peers: groups the events by source, in order,
// and builds one batch per source the way Scrapewatch seals them (a cursor id, event ids and
// timestamps), handing each to `broadcast`. Any other request goes to `otherwise` (404).
export function publishRoute(broadcast, otherwise = notFound) {
  let seq = 0;
  return (req, res) => {
    if (req.method !== "POST" || req.url !== "/publish") return otherwise(req, res);
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const { metrics } = JSON.parse(Buffer.concat(chunks).toString());
      const now = Date.now();
      const timestamp = new Date(now).toISOString();
      for (const [source, group] of bySource(metrics)) {
        const id = `${now}-${seq++}`;
        broadcast({
          id,
          source,
          count: group.length,
          timestamp,
          metrics: group.map((m, i) => ({ ...m, id: `${id}-${i}`, timestamp })),
        });
      }
      res.writeHead(202, { "content-type": "application/json" }).end(`{"accepted":${metrics.length}}`);
    });
  };
}

function notFound(_req, res) {
  res.writeHead(404).end();
}

function bySource(metrics) {
  const groups = new Map();
  for (const m of metrics) {
    const group = groups.get(m.source);
    if (group) group.push(m);
    else groups.set(m.source, [m]);
  }
  return groups;
}
