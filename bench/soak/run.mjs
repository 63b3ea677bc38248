// Soak benchmark (not in CI, not in `npm run bench`): hours-long behaviour in minutes — steady
// mixed ingest, SSE and WebSocket clients joining and leaving, and REST polling, against the
// built server. Samples the server's RSS, heap and event-loop delay (/api/v1/stats), client-side
// latencies and error counts per window, and prints a Markdown table.
// Usage: node bench/soak/run.mjs [--minutes=30] [--sample-seconds=60] [--rate=2000] [--clients=200]
//        [--database=mysql://root@127.0.0.1:3306/db] [--out=file.md]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { startServer } from "../lib/server-process.mjs";
import { machine, parseArgs, percentile } from "../lib/stats.mjs";

const args = parseArgs();
const MINUTES = Number(args.minutes ?? 30);
const SAMPLE_MS = Number(args["sample-seconds"] ?? Math.max(10, Math.round((MINUTES * 60) / 30))) * 1000;
const RATE = Number(args.rate ?? 2000);
const CLIENTS = Number(args.clients ?? 200);
const SOURCES = Array.from({ length: 20 }, (_, i) => `soak-${i}`);
const TICK_MS = 100;

const dir = mkdtempSync(join(tmpdir(), "scrapewatch-soak-"));
const server = await startServer({
  DATABASE_URL: args.database ?? `file:${join(dir, "soak.db")}`,
  DEAD_LETTER_PATH: join(dir, "dl.ndjson"),
  SPILL_PATH: join(dir, "spill.ndjson"),
  MAX_CLIENTS: String(CLIENTS * 2),
  MAX_STREAMS_PER_CLIENT: String(CLIENTS * 2),
});
const base = server.url;

/** Why errors happened, over the whole run (e.g. `ws close 1006`, `sse TypeError`). */
const errorKinds = new Map();
function countError(kind) {
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
}
/** Figures of the current window, reset at every sample. */
let window = fresh();
function fresh() {
  return {
    accepted: 0,
    ingestErrors: 0,
    pollErrors: 0,
    streamErrors: 0,
    delivered: 0,
    joins: 0,
    leaves: 0,
    pollMs: [],
    ingestMs: [],
  };
}

function event(source, i) {
  const kind = i % 3;
  if (kind === 0)
    return {
      type: "navigation",
      source,
      url: `https://soak.test/${i % 97}`,
      durationMs: 200 + (i % 800),
      retryCount: i % 2,
      success: i % 13 !== 0,
      ...(i % 13 === 0 ? { error: "Timeout" } : {}),
    };
  if (kind === 1)
    return {
      type: "scrape",
      source,
      url: `https://soak.test/list/${i % 31}`,
      durationMs: 500 + (i % 1500),
      itemsExtracted: i % 40,
      dataSize: 1000 + (i % 5000),
      success: true,
    };
  return {
    type: "scheduler",
    source: `${source}-job`,
    durationMs: 1000 + (i % 9000),
    itemsProcessed: i % 100,
    success: i % 29 !== 0,
  };
}

// Ingest: RATE events/s in requests of up to 100, spread over the sources.
let sequence = 0;
let request = 0;
async function ingestTick() {
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
  const requests = [];
  for (let sent = 0; sent < perTick; sent += 100) {
    const n = Math.min(100, perTick - sent);
    const source = SOURCES[request++ % SOURCES.length];
    const body = Array.from({ length: n }, () => event(source, sequence++));
    const started = performance.now();
    requests.push(
      fetch(`${base}/api/v1/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          window.ingestMs.push(performance.now() - started);
          if (response.status === 202) window.accepted += n;
          else {
            window.ingestErrors += 1;
            countError(`ingest ${response.status}`);
          }
        })
        .catch((error) => {
          window.ingestErrors += 1;
          countError(`ingest ${error.name}`);
        }),
    );
  }
  await Promise.all(requests);
}

// Streaming clients: half SSE, half WebSocket, a few sources each; some leave and others join.
const clients = new Set();
function openSse(sources) {
  const controller = new AbortController();
  const client = { close: () => controller.abort() };
  fetch(`${base}/api/v1/stream?sources=${sources.join(",")}`, { signal: controller.signal })
    .then(async (response) => {
      if (response.status !== 200) throw new Error(String(response.status));
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        const text = decoder.decode(chunk, { stream: true });
        for (const match of text.matchAll(/"count":(\d+)/g)) window.delivered += Number(match[1]);
      }
    })
    .catch((error) => {
      if (error.name === "AbortError") return;
      window.streamErrors += 1;
      countError(`sse ${error.name}: ${String(error.cause?.code ?? error.message).slice(0, 40)}`);
    })
    .finally(() => clients.delete(client));
  return client;
}
function openWs(sources) {
  const socket = new WebSocket(`${base.replace("http", "ws")}/api/v1/ws?sources=${sources.join(",")}`);
  const client = { close: () => socket.close() };
  socket.on("message", (data) => {
    const match = /^\{"type":"metrics".*?"count":(\d+)/.exec(String(data));
    if (match) window.delivered += Number(match[1]);
  });
  socket.on("error", (error) => {
    window.streamErrors += 1;
    countError(`ws error: ${error.message.slice(0, 40)}`);
  });
  socket.on("close", (code) => {
    if (code !== 1000 && code !== 1005 && code !== 1001) {
      window.streamErrors += 1;
      countError(`ws close ${code}`);
    }
    clients.delete(client);
  });
  return client;
}
function churn() {
  const leaving = Math.floor(clients.size * 0.05);
  for (const client of [...clients].slice(0, leaving)) {
    clients.delete(client);
    client.close();
    window.leaves += 1;
  }
  while (clients.size < CLIENTS) {
    const pick = Array.from(
      { length: 1 + (sequence % 3) },
      (_, i) => SOURCES[(clients.size + i * 7) % SOURCES.length],
    );
    clients.add(clients.size % 2 === 0 ? openSse(pick) : openWs(pick));
    window.joins += 1;
  }
}

// REST polling, as an old client would: page through new events, list sources.
let cursor = null;
async function poll() {
  for (const path of [`/api/v1/metrics?limit=1000${cursor ? `&after=${cursor}` : ""}`, "/api/v1/sources"]) {
    const started = performance.now();
    try {
      const response = await fetch(`${base}${path}`);
      const body = await response.json();
      window.pollMs.push(performance.now() - started);
      if (response.status !== 200) {
        window.pollErrors += 1;
        countError(`poll ${response.status}`);
      } else if (body.nextCursor) cursor = body.nextCursor;
    } catch (error) {
      window.pollErrors += 1;
      countError(`poll ${error.name}`);
    }
  }
}

const rows = [];
const started = Date.now();
const end = started + MINUTES * 60_000;
await fetch(`${base}/api/v1/stats`); // starts the server's event-loop window
const timers = [
  setInterval(() => void ingestTick(), TICK_MS),
  setInterval(churn, 1000),
  setInterval(() => void poll(), 500),
];
churn();
console.log(
  `soak: ${MINUTES} min against ${base}, ${RATE} events/s, ${CLIENTS} streaming clients, sample every ${SAMPLE_MS / 1000} s`,
);
while (Date.now() < end) {
  await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_MS, end - Date.now())));
  const stats = await (await fetch(`${base}/api/v1/stats`)).json();
  const w = window;
  window = fresh();
  const pollSorted = w.pollMs.sort((a, b) => a - b);
  const ingestSorted = w.ingestMs.sort((a, b) => a - b);
  const row = {
    minute: ((Date.now() - started) / 60_000).toFixed(1),
    rssMiB: (stats.memory.rss / 2 ** 20).toFixed(0),
    heapMiB: (stats.memory.heapUsed / 2 ** 20).toFixed(0),
    lagP99: stats.eventLoop.p99Ms.toFixed(1),
    lagMax: stats.eventLoop.maxMs.toFixed(1),
    accepted: w.accepted,
    delivered: w.delivered,
    clients: stats.clients.total,
    joinsLeaves: `${w.joins}/${w.leaves}`,
    ingestP99: percentile(ingestSorted, 99).toFixed(1),
    pollP99: percentile(pollSorted, 99).toFixed(1),
    pending: stats.queues.pending,
    errors: `${w.ingestErrors}/${w.pollErrors}/${w.streamErrors}`,
    dropped: stats.droppedSlowConsumers,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
for (const timer of timers) clearInterval(timer);
for (const client of clients) client.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });

const header =
  "| min | RSS MiB | heap MiB | loop lag p99 / max ms | events in | events out | clients | joins/leaves | ingest p99 ms | poll p99 ms | pending | errors ingest/poll/stream | slow dropped |";
const table = [
  header,
  `|${header
    .split("|")
    .slice(1, -1)
    .map(() => "---")
    .join("|")}|`,
  ...rows.map(
    (r) =>
      `| ${r.minute} | ${r.rssMiB} | ${r.heapMiB} | ${r.lagP99} / ${r.lagMax} | ${r.accepted} | ${r.delivered} | ${r.clients} | ${r.joinsLeaves} | ${r.ingestP99} | ${r.pollP99} | ${r.pending} | ${r.errors} | ${r.dropped} |`,
  ),
].join("\n");
const kinds = [...errorKinds].map(([kind, n]) => `${kind} × ${n}`).join(", ") || "none";
const report = `Soak: ${MINUTES} min, ${RATE} events/s, ${CLIENTS} streaming clients (SSE + WebSocket, 5 %/s churn), REST polling every 500 ms; ${machine()}.\n\n${table}\n\nErrors by kind: ${kinds}.\n`;
console.log(`\n${report}`);
if (args.out) writeFileSync(args.out, report);
