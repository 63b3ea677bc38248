// `node bench/memory/run.mjs [--quick]`: the server's RSS under every flood of SPEC section 5 at
// once, with default settings: maximum-size events (2 KiB URL, 4 KiB error) over 10,000
// sources, stalled SSE and WebSocket clients (live and resuming), and the database away (cut
// through a TCP proxy after start). Runs the built server (`npm run build` first), as deployed.
// Samples the server process's RSS every 100 ms and prints the peak; the figure must stay under
// 512 MiB (SPEC 13).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import mysql from "mysql2/promise";
import { startServer } from "../lib/server-process.mjs";

const quick = process.argv.includes("--quick");
const FLOOD_SECONDS = quick ? 5 : 120;
const SOURCES = 10_000;
const STALLED = quick ? 20 : 200;
const CONCURRENCY = 4;
const LIMIT_MIB = 512;
const MYSQL = new URL(process.env.MYSQL_TEST_URL ?? "mysql://root@127.0.0.1:3306");

/** A TCP proxy to the database that can be cut (every connection dropped, new ones refused). */
async function proxyTo(host, port) {
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    cut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function maxSizeEvent(source) {
  return {
    type: "navigation",
    source,
    url: `https://example.test/${randomBytes(8).toString("hex")}/${"p".repeat(2000)}`,
    durationMs: 1234,
    success: false,
    error: "E".repeat(4096),
  };
}

/** A client that sends its request and never reads a byte of the answer. */
function stalledSse(url, headers = "") {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {});
  socket.write(`GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
  socket.pause();
  return socket;
}

function stalledWs(url) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {});
  const key = randomBytes(16).toString("base64");
  socket.write(
    `GET /api/v1/ws?sources= HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  socket.pause();
  return socket;
}

async function main() {
  const name = `bench_memory_${randomBytes(4).toString("hex")}`;
  const admin = await mysql.createConnection({
    host: MYSQL.hostname,
    port: Number(MYSQL.port || 3306),
    user: MYSQL.username || "root",
    password: MYSQL.password || undefined,
  });
  await admin.query(`CREATE DATABASE ${name}`);
  const proxy = await proxyTo(MYSQL.hostname, Number(MYSQL.port || 3306));
  const databaseUrl = `mysql://${MYSQL.username || "root"}${MYSQL.password ? `:${MYSQL.password}` : ""}@127.0.0.1:${proxy.port}/${name}`;
  const { child, url } = await startServer({ DATABASE_URL: databaseUrl });
  let peak = rssMiB(child.pid);
  const idle = peak;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(child.pid));
  }, 100);

  // Stalled clients: live SSE, WebSocket, and resumes from the oldest cursor (they replay).
  const sockets = [];
  for (let i = 0; i < STALLED; i++) {
    sockets.push(stalledSse(url), stalledWs(url), stalledSse(url, "Last-Event-ID: 1-0\r\n"));
  }

  proxy.cut();
  const perRequest = 140; // ~6.3 KB each: just under the 1 MiB body limit
  const counts = { 202: 0, 429: 0, other: 0 };
  let sent = 0;
  let next = 0;
  const deadline = Date.now() + FLOOD_SECONDS * 1000;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const metrics = Array.from({ length: perRequest }, () => maxSizeEvent(`flood-${next++ % SOURCES}`));
          const response = await fetch(`${url}/api/v1/metrics`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ metrics }),
          });
          await response.arrayBuffer();
          counts[response.status] = (counts[response.status] ?? 0) + 1;
          if (response.status === 202) sent += perRequest;
          if (response.status === 429) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    );
    peak = Math.max(peak, rssMiB(child.pid));
  } finally {
    // Also when the flood fails: a server left running would outlive the benchmark.
    clearInterval(sampler);
    for (const socket of sockets) socket.destroy();
    child.kill("SIGKILL");
    await admin.query(`DROP DATABASE ${name}`);
    await admin.end();
  }

  console.log("| flood | value |\n|---|---|");
  console.log(`| duration | ${FLOOD_SECONDS} s, ${CONCURRENCY} concurrent producers, database away |`);
  console.log(`| events accepted (max-size, ${SOURCES} sources) | ${sent} |`);
  console.log(`| requests answered 202 / 429 | ${counts[202]} / ${counts[429]} |`);
  console.log(`| stalled clients (SSE live, WebSocket, SSE resuming) | ${STALLED} each |`);
  console.log(`| RSS idle → peak | ${idle.toFixed(0)} → ${peak.toFixed(0)} MiB (limit ${LIMIT_MIB}) |`);
  if (peak >= LIMIT_MIB) {
    console.error(`peak RSS ${peak.toFixed(0)} MiB is over ${LIMIT_MIB} MiB`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
