#!/usr/bin/env node
// End-to-end latency (SPEC 13): with BATCH_INTERVAL_MS=0, a producer posts 1,000 events/s
// (a request of 10 events every 10 ms, each event stamped with its send time) and subscribers
// over SSE and WebSocket record ingest → receipt latency. Peer in the same run: a plain `ws`
// server receiving the same POSTs and broadcasting each at once (the original write-up).
// Targets alternate round by round; figures are medians over rounds. Exits 1 if an event was
// lost, duplicated or delivered out of cursor order by Scrapewatch.
//
//   node bench/latency/run.mjs [--quick] [--seconds=S] [--rate=R] [--clients=N] [--rounds=K]
//                              [--targets=sqlite,mariadb,ws]
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
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
import { median, parseArgs } from "../lib/stats.mjs";

const args = parseArgs();
const quick = args.quick;
const SECONDS = Number(args.seconds ?? (quick ? 3 : 20));
const RATE = Number(args.rate ?? 1000);
const PER_REQUEST = 10;
const CLIENTS = Number(args.clients ?? (quick ? 5 : 50)); // per transport
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const ONLY = String(args.targets ?? (quick ? "sqlite,ws" : "sqlite,mariadb,ws")).split(",");
const SOURCES = 10;
const PEER = fileURLToPath(new URL("../fanout/peers/ws-broadcast.mjs", import.meta.url));

/** Starts one target; answers its ingest URL, its subscriber specs and a stop function. */
async function startTarget(name, sources) {
  if (name === "ws") {
    const child = fork(PEER, [], { env: { ...process.env, PORT: "0" }, stdio: "inherit" });
    const { ready: port } = await new Promise((resolve) => child.once("message", resolve));
    const url = `ws://127.0.0.1:${port}/`;
    return {
      publish: `http://127.0.0.1:${port}/publish`,
      groups: [[{ kind: "wsraw", url, count: CLIENTS }], [{ kind: "wsraw", url, count: CLIENTS }]],
      pid: child.pid,
      stop: async () => {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "sw-bench-latency-"));
  const db = name === "mariadb" ? await createTestDatabaseUrl("mysql", { prefix: "sw_bench_latency" }) : null;
  const server = await startServer({
    DATABASE_URL: db ? db.url : `file:${join(dir, "bench.db")}`,
    DEAD_LETTER_PATH: join(dir, "dead.ndjson"),
    SPILL_PATH: join(dir, "spill.ndjson"),
    BATCH_INTERVAL_MS: "0",
    MAX_CLIENTS: "100000",
    // Every load generator connects from one address without a token: lift the per-client cap.
    MAX_STREAMS_PER_CLIENT: "100000",
    SSE_HEARTBEAT_MS: "600000",
    HEARTBEAT_INTERVAL_MS: "600000",
  });
  const base = server.url.replace(/\/$/, "");
  return {
    publish: `${base}/api/v1/metrics`,
    groups: [
      [{ kind: "sse", url: `${base}/api/v1/stream?sources=${sources.join(",")}`, count: CLIENTS }],
      [{ kind: "ws", url: `${base.replace(/^http/, "ws")}/api/v1/ws`, sources, count: CLIENTS }],
    ],
    pid: server.child.pid,
    stop: async () => {
      await server.stop();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function round(name) {
  const run = `lat-${randomBytes(3).toString("hex")}`;
  const sources = Array.from({ length: SOURCES }, (_, k) => `${run}-${k}`);
  const total = SECONDS * RATE;
  const target = await startTarget(name, sources);
  const gens = [];
  try {
    for (const clients of target.groups) {
      gens.push(
        await startSubscribers({
          clients,
          capacity: total,
          expect: total,
          warmup: Math.min(RATE, total / 5),
        }),
      );
    }
    const connected = await Promise.all(gens.map((g) => g.ask("connect", "connected")));
    const connectErrors = sum(connected, "errors");
    const producer = await startProducer({
      targets: [target.publish],
      sources,
      total,
      perRequest: PER_REQUEST,
      rate: RATE,
      run,
      wantIds: name !== "ws",
    });
    const done = await producer.ask("start", "done");
    await producer.exit();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const progress = await Promise.all(gens.map((g) => g.ask("progress", "progress")));
      if (progress.every((p) => p.min >= total)) break;
      await sleep(100);
    }
    const reports = await Promise.all(gens.map((g) => g.ask("report", "report", { total, ids: done.ids })));
    const latency = latencySummary(reports);
    return {
      name,
      clients: sum(reports, "clients"),
      connectErrors,
      events: total,
      expected: total * sum(reports, "clients"),
      delivered: sum(reports, "delivered"),
      missing: sum(reports, "missing"),
      duplicated: sum(reports, "duplicatedEvents"),
      outOfOrder: sum(reports, "outOfOrder"),
      idMismatch: sum(reports, "idMismatch"),
      unexpectedDrops: sum(reports, "unexpectedDrops"),
      producerFailures: done.failures + done.retried,
      postRttP50: done.rttP50,
      postRttP99: done.rttP99,
      ...latency,
    };
  } finally {
    await Promise.all(gens.map((g) => g.exit()));
    await target.stop();
  }
}

const label = {
  sqlite: "Scrapewatch, SQLite (SSE + WS)",
  mariadb: "Scrapewatch, MariaDB (SSE + WS)",
  ws: "plain ws broadcast (peer)",
};
const info = machineInfo();
const results = Object.fromEntries(ONLY.map((name) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of ONLY) {
    process.stderr.write(`latency: round ${r + 1}/${ROUNDS}, ${name}…\n`);
    const result = await round(name);
    process.stderr.write(
      `  p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms, max ${fmt(result.max, 1)} ms, delivered ${result.delivered}/${result.expected}\n`,
    );
    results[name].push(result);
  }
}

const m = (name, key) => median(results[name].map((r) => r[key]));
const lines = [
  `\n## End-to-end latency (BATCH_INTERVAL_MS=0, ${RATE} events/s in requests of ${PER_REQUEST}, ${SECONDS} s × ${ROUNDS} round(s), ${CLIENTS} + ${CLIENTS} subscribers)\n`,
  `machine: ${describeMachine(info)}\n`,
  "| server | subscribers | p50 ms | p99 ms | max ms | POST p50 / p99 ms | delivered | lost | duplicated | out of order |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
for (const name of ONLY) {
  const rs = results[name];
  lines.push(
    `| ${label[name]} | ${rs[0].clients} | ${fmt(m(name, "p50"), 2)} | ${fmt(m(name, "p99"), 2)} | ${fmt(m(name, "max"), 1)} | ${fmt(m(name, "postRttP50"), 2)} / ${fmt(m(name, "postRttP99"), 2)} | ${sum(rs, "delivered")}/${sum(rs, "expected")} | ${sum(rs, "missing")} | ${sum(rs, "duplicated")} | ${sum(rs, "outOfOrder")} |`,
  );
}
if (results.ws?.length) {
  for (const name of ["sqlite", "mariadb"].filter((n) => results[n]?.length)) {
    lines.push(`\n${label[name]} p99 / plain ws p99: ${fmt(m(name, "p99") / m("ws", "p99"), 2)}×`);
  }
}
lines.push(`\nSPEC 13 target: ingest → client p99 < 10 ms at 1,000 events/s.`);
console.log(lines.join("\n"));
if (args.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(args.json, JSON.stringify({ info, results }, null, 2));
}

const ours = ONLY.filter((n) => n !== "ws").flatMap((n) => results[n]);
const broken = ours.filter(
  (r) => r.missing + r.duplicated + r.outOfOrder + r.idMismatch + r.connectErrors + r.producerFailures > 0,
);
if (broken.length > 0) {
  console.error(
    `latency: FAILED — ${JSON.stringify(broken.map(({ name, missing, duplicated, outOfOrder, idMismatch, connectErrors, producerFailures }) => ({ name, missing, duplicated, outOfOrder, idMismatch, connectErrors, producerFailures })))}`,
  );
  process.exit(1);
}
process.exit(0);
