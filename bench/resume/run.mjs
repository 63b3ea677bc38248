#!/usr/bin/env node
// Resume under churn (SPEC 13): N SSE + N WebSocket clients whose sockets are cut every period
// (staggered, so connections drop all the time) under a steady load; each reconnects after a
// random 0–1 s with its last cursor (SSE Last-Event-ID, WS subscribe {lastEventId}). Checks
// every client got every event exactly once, by seq and by the id ingest returned, and times
// reconnect → first batch. Peer in the same run: Socket.IO 4 with connection state recovery,
// 2N clients, same POSTs, same cuts. Exits 1 if Scrapewatch lost or duplicated an event.
//
//   node bench/resume/run.mjs [--quick] [--clients=N] [--period=ms] [--seconds=S] [--rate=R]
//                             [--db=sqlite|mariadb] [--targets=scrapewatch,socketio]
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2/promise";
import {
  describeMachine,
  fmt,
  latencySummary,
  machineInfo,
  sleep,
  startProducer,
  startSubscribers,
  sum,
} from "../lib/harness.mjs";
import { startServer } from "../lib/server-process.mjs";
import { parseArgs, percentile } from "../lib/stats.mjs";

const args = parseArgs();
const quick = args.quick;
const CLIENTS = Number(args.clients ?? (quick ? 20 : 200)); // per transport
const PERIOD_MS = Number(args.period ?? (quick ? 2_000 : 15_000));
const SECONDS = Number(args.seconds ?? (quick ? 6 : 60));
const RATE = Number(args.rate ?? 1000);
const PER_REQUEST = 10;
const SOURCES = 10;
const DB = args.db ?? "sqlite";
const ONLY = String(args.targets ?? "scrapewatch,socketio").split(",");
const MYSQL = process.env.MYSQL_TEST_URL ?? "mysql://root@127.0.0.1:3306";
const PEER = fileURLToPath(new URL("./peers/socketio-recovery.mjs", import.meta.url));

/**
 * Publishes one batch of another source before the clients connect, so that each client's
 * `connected` carries a cursor: a client cut before its first batch then resumes from there
 * instead of joining live (which would rightly miss what was published meanwhile).
 */
async function prime(base) {
  const source = `prime-${randomBytes(3).toString("hex")}`;
  const stream = await fetch(`${base}/api/v1/stream?sources=${source}`);
  const response = await fetch(`${base}/api/v1/metrics`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ metrics: [{ type: "scheduler", source, durationMs: 1, success: true }] }),
  });
  if (response.status !== 202) throw new Error(`prime answered ${response.status}`);
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream.body) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("event: metrics")) break;
  }
  await stream.body.cancel().catch(() => {});
}

async function startTarget(name, sources) {
  if (name === "socketio") {
    const child = fork(PEER, [], { stdio: "inherit" });
    const { ready: port } = await new Promise((resolve) => child.once("message", resolve));
    const url = `http://127.0.0.1:${port}`;
    return {
      publish: `${url}/publish`,
      groups: [[{ kind: "sio", url, count: CLIENTS }], [{ kind: "sio", url, count: CLIENTS }]],
      stop: async () => {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "sw-bench-resume-"));
  let dbName = null;
  if (DB === "mariadb") {
    dbName = `sw_bench_resume_${randomBytes(4).toString("hex")}`;
    const admin = await createConnection({ uri: MYSQL });
    await admin.query(`CREATE DATABASE \`${dbName}\``);
    await admin.end();
  }
  const server = await startServer({
    DATABASE_URL: dbName ? `${MYSQL}/${dbName}` : `file:${join(dir, "bench.db")}`,
    DEAD_LETTER_PATH: join(dir, "dead.ndjson"),
    SPILL_PATH: join(dir, "spill.ndjson"),
    MAX_CLIENTS: "100000",
  });
  if (process.env.BENCH_SERVER_LOG) server.child.stdout.pipe(process.stderr);
  const base = server.url.replace(/\/$/, "");
  await prime(base);
  return {
    publish: `${base}/api/v1/metrics`,
    groups: [
      [{ kind: "sse", url: `${base}/api/v1/stream?sources=${sources.join(",")}`, count: CLIENTS }],
      [{ kind: "ws", url: `${base.replace(/^http/, "ws")}/api/v1/ws`, sources, count: CLIENTS }],
    ],
    stats: async () => (await fetch(`${base}/api/v1/stats`)).json(),
    stop: async () => {
      await server.stop();
      if (dbName) {
        const admin = await createConnection({ uri: MYSQL });
        await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
        await admin.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runTarget(name) {
  const run = `res-${randomBytes(3).toString("hex")}`;
  const sources = Array.from({ length: SOURCES }, (_, k) => `${run}-${k}`);
  const total = SECONDS * RATE;
  const target = await startTarget(name, sources);
  const gens = [];
  try {
    for (const clients of target.groups) {
      gens.push(await startSubscribers({ clients, capacity: total, expect: total, delay: [0, 1000] }));
    }
    const connected = await Promise.all(gens.map((g) => g.ask("connect", "connected")));
    const producer = await startProducer({
      targets: [target.publish],
      sources,
      total,
      perRequest: PER_REQUEST,
      rate: RATE,
      run,
      wantIds: name === "scrapewatch",
    });
    const done = producer.ask("start", "done");
    for (const g of gens) g.send("churn-start", { periodMs: PERIOD_MS });
    const produced = await done;
    await producer.exit();
    for (const g of gens) g.send("churn-stop");
    // Catching up after the churn stops takes a while on a busy machine: wait as long as the
    // run, but not for events that stopped coming (a peer that lost them never sends them).
    const deadline = Date.now() + Math.max(30_000, SECONDS * 1000);
    let last = -1;
    let lastMoved = Date.now();
    while (Date.now() < deadline && Date.now() - lastMoved < 5_000) {
      const progress = await Promise.all(gens.map((g) => g.ask("progress", "progress")));
      if (progress.every((p) => p.min >= total)) break;
      const received = progress.reduce((n, p) => n + p.total, 0);
      if (received !== last) {
        last = received;
        lastMoved = Date.now();
      }
      await sleep(250);
    }
    const reports = await Promise.all(
      gens.map((g) => g.ask("report", "report", { total, ids: produced.ids })),
    );
    const replay = reports.flatMap((r) => r.replay).sort((a, b) => a - b);
    const afterConnect = reports.flatMap((r) => r.replayAfterConnect).sort((a, b) => a - b);
    const clients = sum(reports, "clients");
    return {
      name,
      clients,
      connectErrors: sum(connected, "errors"),
      events: total,
      expected: total * clients,
      delivered: sum(reports, "delivered"),
      missing: sum(reports, "missing"),
      duplicated: sum(reports, "duplicatedEvents"),
      exactClients: sum(reports, "exactClients"),
      outOfOrder: sum(reports, "outOfOrder"),
      resets: sum(reports, "resets"),
      idMismatch: sum(reports, "idMismatch"),
      cuts: sum(reports, "cuts"),
      reconnects: sum(reports, "reconnects"),
      unexpectedDrops: sum(reports, "unexpectedDrops"),
      recovered: sum(reports, "recovered"),
      notRecovered: sum(reports, "notRecovered"),
      producerFailures: produced.failures,
      replayCount: replay.length,
      replayP50: percentile(replay, 50),
      replayP99: percentile(replay, 99),
      replayMax: replay.at(-1) ?? Number.NaN,
      afterConnectP50: percentile(afterConnect, 50),
      afterConnectP99: percentile(afterConnect, 99),
      latency: latencySummary(reports),
      subscriberLoop: reports.map((r) => r.loopDelayMs),
      subscriberCpu: reports.map((r) => r.cpuPercent),
      serverResume: target.stats ? (await target.stats()).resume : null,
    };
  } finally {
    await Promise.all(gens.map((g) => g.exit()));
    await target.stop();
  }
}

const info = machineInfo();
const results = [];
for (const name of ["scrapewatch", "socketio"].filter((n) => ONLY.includes(n))) {
  process.stderr.write(`resume: ${name}, ${CLIENTS * 2} clients, cut every ${PERIOD_MS} ms, ${SECONDS} s…\n`);
  const result = await runTarget(name);
  process.stderr.write(`  ${JSON.stringify({ ...result, latency: undefined })}\n`);
  results.push(result);
}

const label = {
  scrapewatch: `Scrapewatch (${CLIENTS} SSE + ${CLIENTS} WS, ${DB})`,
  socketio: `Socket.IO 4.8 + connectionStateRecovery (${CLIENTS * 2} clients)`,
};
const pct = (r) => (100 * r.exactClients) / r.clients;
const lines = [
  `\n## Resume under churn (cut every ${PERIOD_MS / 1000} s, reconnect after 0–1 s, ${RATE} events/s in requests of ${PER_REQUEST} over ${SOURCES} sources, ${SECONDS} s)\n`,
  `machine: ${describeMachine(info)}\n`,
  "| server | clients | cuts | events delivered | missing at the end | duplicated | clients with every event exactly once | out of order | reset | reconnect → first batch p50 / p99 / max ms | connected → first batch p50 / p99 ms |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${label[r.name]} | ${r.clients} | ${r.cuts} | ${r.delivered}/${r.expected} (${fmt((100 * r.delivered) / r.expected, 3)} %) | ${r.missing} | ${r.duplicated} | ${r.exactClients} (${fmt(pct(r), 1)} %) | ${r.outOfOrder} | ${r.resets} | ${fmt(r.replayP50, 0)} / ${fmt(r.replayP99, 0)} / ${fmt(r.replayMax, 0)} (${r.replayCount}) | ${fmt(r.afterConnectP50, 0)} / ${fmt(r.afterConnectP99, 0)} |`,
  ),
];
const sio = results.find((r) => r.name === "socketio");
if (sio)
  lines.push(`\nSocket.IO reconnections recovered: ${sio.recovered}, not recovered: ${sio.notRecovered}.`);
lines.push("SPEC 13 target: 100 % of events delivered exactly once, replay p99 < 1 s.");
console.log(lines.join("\n"));
if (args.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(args.json, JSON.stringify({ info, results }, null, 2));
}

const ours = results.find((r) => r.name === "scrapewatch");
if (
  ours &&
  (ours.missing + ours.duplicated + ours.outOfOrder + ours.resets + ours.idMismatch + ours.producerFailures >
    0 ||
    ours.connectErrors > 0 ||
    ours.cuts === 0)
) {
  console.error("resume: FAILED — Scrapewatch did not deliver every event exactly once");
  process.exit(1);
}
process.exit(0);
