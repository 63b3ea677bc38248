#!/usr/bin/env node
// Scale-out (SPEC 12): ingest + delivery throughput with two instances behind Redis (one MariaDB
// database made for the run, a unique REDIS_STREAM), against one instance with Redis and one
// without. Events are posted as fast as 4 requests in flight allow, spread over the instances;
// the same number of SSE and WebSocket subscribers is spread over the instances, each
// subscribed to every source. Reports events/s delivered to every subscriber, and checks each
// got every event exactly once, in cursor order, with the same id everywhere. Exits 1 if not.
//
//   node bench/scaleout/run.mjs [--quick] [--events=N] [--clients=N] [--rounds=K]
//                               [--targets=single,single-redis,pair]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import {
  describeMachine,
  fmt,
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
const EVENTS = Number(args.events ?? (quick ? 5_000 : 50_000));
const CLIENTS = Number(args.clients ?? (quick ? 4 : 20)); // per transport, over all instances
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const ONLY = String(args.targets ?? (quick ? "single,pair" : "single,single-redis,pair")).split(",");
const PER_REQUEST = 500;
const SOURCES = 10;
const REDIS = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";
const SHAPES = {
  single: { instances: 1, redis: false, label: "1 instance, no Redis" },
  "single-redis": { instances: 1, redis: true, label: "1 instance + Redis" },
  pair: { instances: 2, redis: true, label: "2 instances + Redis" },
};

/** Splits `count` clients of one kind over the instances, as evenly as can be. */
function spread(kind, bases, count, sources) {
  return bases
    .map((base, i) => {
      const share = Math.floor(count / bases.length) + (i < count % bases.length ? 1 : 0);
      const url =
        kind === "sse"
          ? `${base}/api/v1/stream?sources=${sources.join(",")}`
          : `${base.replace(/^http/, "ws")}/api/v1/ws`;
      return { kind, url, sources, count: share };
    })
    .filter((spec) => spec.count > 0);
}

async function runShape(name) {
  const shape = SHAPES[name];
  const run = `so-${randomBytes(3).toString("hex")}`;
  const sources = Array.from({ length: SOURCES }, (_, k) => `${run}-${k}`);
  const stream = `sw-bench:${run}`;
  const dir = mkdtempSync(join(tmpdir(), "sw-bench-scaleout-"));
  const db = await createTestDatabaseUrl("mysql", { prefix: "sw_bench_scaleout" });
  const servers = [];
  const gens = [];
  try {
    for (let i = 0; i < shape.instances; i++) {
      // One at a time: the first creates the schema, the others find it there.
      servers.push(
        await startServer({
          DATABASE_URL: db.url,
          ...(shape.redis ? { REDIS_URL: REDIS, REDIS_STREAM: stream } : {}),
          DEAD_LETTER_PATH: join(dir, `dead-${i}.ndjson`),
          SPILL_PATH: join(dir, `spill-${i}.ndjson`),
          MAX_CLIENTS: "100000",
          // Every load generator connects from one address without a token: lift the per-client cap.
          MAX_STREAMS_PER_CLIENT: "100000",
          MAX_PENDING: "1000000",
          FLUSH_INTERVAL_MS: "200",
        }),
      );
    }
    const bases = servers.map((s) => s.url.replace(/\/$/, ""));
    for (const kind of ["sse", "ws"]) {
      gens.push(
        await startSubscribers({
          clients: spread(kind, bases, CLIENTS, sources),
          capacity: EVENTS,
          expect: EVENTS,
        }),
      );
    }
    const connected = await Promise.all(gens.map((g) => g.ask("connect", "connected")));
    const producer = await startProducer({
      targets: bases.map((base) => `${base}/api/v1/metrics`),
      sources,
      total: EVENTS,
      perRequest: PER_REQUEST,
      rate: null,
      concurrency: 4,
      run,
      wantIds: true,
    });
    const produced = await producer.ask("start", "done");
    await producer.exit();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const progress = await Promise.all(gens.map((g) => g.ask("progress", "progress")));
      if (progress.every((p) => p.min >= EVENTS)) break;
      await sleep(100);
    }
    const reports = await Promise.all(
      gens.map((g) => g.ask("report", "report", { total: EVENTS, ids: produced.ids })),
    );
    const completes = reports.map((r) => r.lastCompleteAt);
    const lastComplete = completes.includes(null) ? null : Math.max(...completes);
    const clients = sum(reports, "clients");
    const seconds = lastComplete === null ? Number.NaN : (lastComplete - produced.started) / 1000;
    return {
      name,
      instances: shape.instances,
      clients,
      connectErrors: sum(connected, "errors"),
      events: EVENTS,
      acceptedPerSecond: EVENTS / ((produced.finished - produced.started) / 1000),
      deliveredPerSecond: EVENTS / seconds,
      deliveriesPerSecond: (EVENTS * clients) / seconds,
      seconds,
      expected: EVENTS * clients,
      delivered: sum(reports, "delivered"),
      missing: sum(reports, "missing"),
      duplicated: sum(reports, "duplicatedEvents"),
      outOfOrder: sum(reports, "outOfOrder"),
      idMismatch: sum(reports, "idMismatch"),
      resets: sum(reports, "resets"),
      unexpectedDrops: sum(reports, "unexpectedDrops"),
      producerFailures: produced.failures,
      retried: produced.retried,
    };
  } finally {
    await Promise.all(gens.map((g) => g.exit()));
    for (const server of servers) await server.stop();
    await db.drop();
    if (shape.redis) {
      const redis = new Redis(REDIS, { lazyConnect: true });
      await redis.connect();
      await redis.del(stream, `${stream}:published`, `${stream}:stored`, `${stream}:forgotten`);
      redis.disconnect();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const info = machineInfo();
const results = Object.fromEntries(ONLY.map((name) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of ONLY) {
    process.stderr.write(`scaleout: round ${r + 1}/${ROUNDS}, ${SHAPES[name].label}…\n`);
    const result = await runShape(name);
    process.stderr.write(
      `  accepted ${fmt(result.acceptedPerSecond, 0)}/s, delivered to all ${fmt(result.deliveredPerSecond, 0)}/s, ${result.delivered}/${result.expected}, lost ${result.missing}, dup ${result.duplicated}\n`,
    );
    results[name].push(result);
  }
}

const m = (name, key) => median(results[name].map((r) => r[key]));
const lines = [
  `\n## Scale-out (${EVENTS.toLocaleString("en-US")} events in requests of ${PER_REQUEST}, 4 in flight, ${SOURCES} sources; ${CLIENTS} SSE + ${CLIENTS} WS subscribers spread over the instances; ${ROUNDS} round(s), medians)\n`,
  `machine: ${describeMachine(info)}\n`,
  "| shape | subscribers | ingest accepted events/s | events/s delivered to every subscriber | deliveries/s | delivered | lost | duplicated | out of order | id mismatches |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
for (const name of ONLY) {
  const rs = results[name];
  lines.push(
    `| ${SHAPES[name].label} | ${rs[0].clients} | ${fmt(m(name, "acceptedPerSecond"), 0)} | ${fmt(m(name, "deliveredPerSecond"), 0)} | ${fmt(m(name, "deliveriesPerSecond"), 0)} | ${sum(rs, "delivered")}/${sum(rs, "expected")} | ${sum(rs, "missing")} | ${sum(rs, "duplicated")} | ${sum(rs, "outOfOrder")} | ${sum(rs, "idMismatch")} |`,
  );
}
if (results.pair?.length && results.single?.length) {
  lines.push(
    `\n2 instances / 1 instance (no Redis), delivered events/s: ${fmt(m("pair", "deliveredPerSecond") / m("single", "deliveredPerSecond"), 2)}×`,
  );
}
if (results.pair?.length && results["single-redis"]?.length) {
  lines.push(
    `2 instances / 1 instance (Redis), delivered events/s: ${fmt(m("pair", "deliveredPerSecond") / m("single-redis", "deliveredPerSecond"), 2)}×`,
  );
}
console.log(lines.join("\n"));
if (args.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(args.json, JSON.stringify({ info, results }, null, 2));
}
const broken = Object.values(results)
  .flat()
  .filter(
    (r) =>
      r.missing +
        r.duplicated +
        r.outOfOrder +
        r.idMismatch +
        r.resets +
        r.connectErrors +
        r.producerFailures >
      0,
  );
if (broken.length > 0) {
  console.error(
    `scaleout: FAILED — ${broken.map((r) => r.name).join(", ")} did not deliver every event exactly once`,
  );
  process.exit(1);
}
process.exit(0);
