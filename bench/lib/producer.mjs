// A producer process (forked by the latency, resume and scale-out benchmarks): posts events
// numbered 0..total-1, each stamped `n=<seq>&t=<send ms>` in its url, to one or more ingest
// URLs — paced (`rate` events/s in requests of `perRequest`) or as fast as `concurrency`
// requests in flight allow. Replies over IPC with the ids ingest returned, by seq.
const config = JSON.parse(process.argv[2]);
/** { targets: [url], sources: [name], total, perRequest, rate | null, concurrency, run, wantIds } */
const { targets, sources, total, perRequest, rate, run } = config;
const concurrency = config.concurrency ?? 4;
const now = () => performance.timeOrigin + performance.now();
const ids = config.wantIds ? new Array(total) : null;
const rtts = [];
let failures = 0;
let retried = 0;
let request = 0;

function body(from, count, source) {
  const t = now().toFixed(3);
  const metrics = [];
  for (let n = from; n < from + count; n++) {
    metrics.push({
      type: "navigation",
      source,
      url: `https://bench.test/${run}?n=${n}&t=${t}`,
      durationMs: 100 + (n % 900),
      success: true,
    });
  }
  return JSON.stringify({ metrics });
}

async function post(from, count) {
  const k = request++;
  const target = targets[k % targets.length];
  const source = sources[Math.floor(k / targets.length) % sources.length];
  for (let attempt = 0; attempt < 50; attempt++) {
    const started = now();
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body(from, count, source),
      });
      const text = await response.text();
      rtts.push(now() - started);
      if (response.status === 202) {
        if (ids) {
          const answer = JSON.parse(text);
          answer.ids?.forEach((id, i) => {
            ids[from + i] = id;
          });
        }
        return;
      }
      if (response.status !== 429 && response.status !== 503) break;
      retried += 1;
    } catch {
      retried += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  failures += 1;
}

async function paced() {
  const interval = (perRequest / rate) * 1000;
  const started = now();
  const inFlight = new Set();
  for (let from = 0, k = 0; from < total; from += perRequest, k++) {
    const wait = started + k * interval - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const p = post(from, Math.min(perRequest, total - from)).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 64) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function flatOut() {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const from = next;
        next += perRequest;
        await post(from, Math.min(perRequest, total - from));
      }
    }),
  );
}

process.on("message", async (message) => {
  if (message.cmd !== "start") return;
  const started = now();
  if (rate) await paced();
  else await flatOut();
  const finished = now();
  rtts.sort((a, b) => a - b);
  process.send({
    type: "done",
    started,
    finished,
    failures,
    retried,
    ids,
    rttP50: rtts[Math.floor(rtts.length * 0.5)] ?? null,
    rttP99: rtts[Math.floor(rtts.length * 0.99)] ?? null,
  });
});
process.send({ type: "ready" });
