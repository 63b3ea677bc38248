// Notification delivery, measured against local HTTP receivers on this machine:
// 1. latency: incident transition handed to the notifier → webhook request received (p50/p99);
// 2. fan-out: N incidents to 10 webhook channels, once with all receivers answering and once
//    with one receiver stalled (never answers), the healthy channels' latency compared as a ratio.
// Run: node bench/notifications/run.mjs [--quick] [--dialect=sqlite|mysql|both]
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { type Dialect, openDatabase } from "@scrapewatch/db";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { parseEnv } from "../../apps/server/src/env.ts";
import { createLogger } from "../../apps/server/src/logger.ts";
import { startNotifications } from "../../apps/server/src/notifications/notifications.ts";
// The test fixtures' incidents and monitors (plain data builders, no test runner needed).
import { incident, notifyOpened } from "../../apps/server/test/notification-fixtures.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    dialect: { type: "string", default: "sqlite" },
  },
});
const quick = values.quick;
const LATENCY_SAMPLES = quick ? 50 : 500;
const FANOUT_INCIDENTS = quick ? 100 : 1000;
const FANOUT_RATE = 100; // transitions per second
const CHANNELS = 10;

interface Receiver {
  url: string;
  /** Incident id → time its first request arrived (performance.now()). */
  firstSeen: Map<string, number>;
  requests: number;
  close(): Promise<void>;
}

async function receiver(stalled: boolean): Promise<Receiver> {
  const firstSeen = new Map<string, number>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = performance.now();
      state.requests += 1;
      const id = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { incident: { id: string } }).incident
        .id;
      if (!firstSeen.has(id)) firstSeen.set(id, at);
      if (stalled) return; // never answers: the sender's timeout ends each attempt
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    firstSeen,
    get requests() {
      return state.requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function withNotifications<T>(
  dialect: Dialect,
  run: (n: Awaited<ReturnType<typeof startNotifications>>) => Promise<T>,
) {
  const { url, drop } = await createTestDatabaseUrl(dialect);
  const database = await openDatabase(url);
  // The defaults a user gets (DELIVERY_CONCURRENCY 4, 10 s timeout, 1 s poll).
  const env = parseEnv({ DATABASE_URL: url });
  const notifications = await startNotifications({ env, database, logger: createLogger("error") });
  try {
    return await run(notifications);
  } finally {
    await notifications.stop(0);
    await database.close();
    await drop();
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** One transition at a time, each awaited until its webhook request arrives. */
async function latency(dialect: Dialect) {
  const hook = await receiver(false);
  try {
    return await withNotifications(dialect, async (notifications) => {
      await notifications.channels.create({
        name: "bench",
        type: "webhook",
        url: hook.url,
        secret: "bench-secret-value",
      });
      const samples: number[] = [];
      // The first few warm up the connection, the statements and the JIT: not counted.
      for (let i = -5; i < LATENCY_SAMPLES; i++) {
        const opened = incident({ source: `latency-${i % 20}` });
        const start = performance.now();
        await notifyOpened(notifications, opened);
        await waitFor(() => hook.firstSeen.has(opened.id), 30_000);
        if (i >= 0) samples.push((hook.firstSeen.get(opened.id) ?? Number.NaN) - start);
      }
      return summary(samples);
    });
  } finally {
    await hook.close();
  }
}

/** FANOUT_INCIDENTS transitions at FANOUT_RATE/s to 10 channels; optionally the first one stalled. */
async function fanout(dialect: Dialect, stalled: boolean) {
  const hooks = await Promise.all(Array.from({ length: CHANNELS }, (_, i) => receiver(stalled && i === 0)));
  try {
    return await withNotifications(dialect, async (notifications) => {
      for (const [i, hook] of hooks.entries()) {
        await notifications.channels.create({ name: `bench-${i}`, type: "webhook", url: hook.url });
      }
      const started = new Map<string, number>();
      const writes: Promise<unknown>[] = [];
      const begin = performance.now();
      for (let i = 0; i < FANOUT_INCIDENTS; i++) {
        const due = begin + (i * 1000) / FANOUT_RATE;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const opened = incident({ source: `fanout-${i % 50}` });
        started.set(opened.id, performance.now());
        writes.push(notifyOpened(notifications, opened));
      }
      await Promise.all(writes);
      const healthy = hooks.filter((_, i) => !(stalled && i === 0));
      const complete = await waitFor(
        () => healthy.every((hook) => hook.firstSeen.size >= FANOUT_INCIDENTS),
        300_000,
      );
      const elapsed = performance.now() - begin;
      const latencies = healthy.flatMap((hook) =>
        [...hook.firstSeen].map(([id, at]) => at - (started.get(id) ?? at)),
      );
      return {
        ...summary(latencies),
        complete,
        seconds: elapsed / 1000,
        stalledRequests: stalled ? (hooks[0]?.requests ?? 0) : null,
      };
    });
  } finally {
    for (const hook of hooks) await hook.close();
  }
}

const dialects: Dialect[] =
  values.dialect === "both" ? ["sqlite", "mysql"] : [values.dialect === "mysql" ? "mysql" : "sqlite"];
console.log(
  `notifications benchmark${quick ? " (quick)" : ""}: ${process.platform} ${process.arch}, Node ${process.version}`,
);
for (const dialect of dialects) {
  const lat = await latency(dialect);
  console.log(
    `\n## ${dialect}: incident transition → webhook request received (${lat.n} transitions, one at a time)\n`,
  );
  console.log("| p50 | p99 | max | target |");
  console.log("|---|---|---|---|");
  console.log(
    `| ${ms(lat.p50)} | ${ms(lat.p99)} | ${ms(lat.max)} | p99 < 250 ms: ${lat.p99 < 250 ? "met" : "MISSED"} |`,
  );

  const baseline = await fanout(dialect, false);
  const withStall = await fanout(dialect, true);
  console.log(
    `\n## ${dialect}: ${FANOUT_INCIDENTS} incidents at ${FANOUT_RATE}/s to ${CHANNELS} webhook channels — the healthy channels' latency\n`,
  );
  console.log(
    "| run | deliveries timed | p50 | p99 | max | all delivered in | requests to the stalled receiver |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, run] of [
    ["10 receivers answering", baseline],
    ["1 receiver stalled (never answers), 9 answering", withStall],
  ] as const) {
    console.log(
      `| ${name} | ${run.n}${run.complete ? "" : " (incomplete)"} | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.max)} | ${run.seconds.toFixed(1)} s | ${run.stalledRequests ?? "—"} |`,
    );
  }
  console.log(
    `\nRatio stalled / baseline: p50 ${(withStall.p50 / baseline.p50).toFixed(2)}×, p99 ${(withStall.p99 / baseline.p99).toFixed(2)}×`,
  );
  if (!baseline.complete || !withStall.complete) process.exitCode = 1;
}
