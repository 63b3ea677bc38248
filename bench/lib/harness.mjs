// Plumbing shared by the latency, resume and scale-out benchmarks: forked helper processes
// driven over IPC, merged latency histograms, and a description of the machine and its load.
import { fork } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const SUBSCRIBERS = fileURLToPath(new URL("./subscribers.mjs", import.meta.url));
const PRODUCER = fileURLToPath(new URL("./producer.mjs", import.meta.url));

/** A forked process answering `{cmd}` messages with `{type}` replies. */
function driven(script, config) {
  const child = fork(script, [JSON.stringify(config)], { stdio: "inherit" });
  const waiting = new Map();
  const early = new Map();
  child.on("message", (message) => {
    const resolve = waiting.get(message.type);
    if (resolve) {
      waiting.delete(message.type);
      resolve(message);
    } else early.set(message.type, message);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const next = (type) =>
    new Promise((resolve, reject) => {
      if (early.has(type)) {
        const message = early.get(type);
        early.delete(type);
        return resolve(message);
      }
      waiting.set(type, resolve);
      exited.then((code) => reject(new Error(`${script} exited (${code}) before "${type}"`)));
    });
  return {
    child,
    next,
    send: (cmd, extra = {}) => child.send({ cmd, ...extra }),
    ask: (cmd, type, extra = {}) => {
      const reply = next(type);
      child.send({ cmd, ...extra });
      return reply;
    },
    async exit() {
      if (child.exitCode !== null) return;
      child.send({ cmd: "exit" });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

export async function startSubscribers(config) {
  const gen = driven(SUBSCRIBERS, config);
  await gen.next("ready");
  return gen;
}

export async function startProducer(config) {
  const gen = driven(PRODUCER, config);
  await gen.next("ready");
  return gen;
}

/** Merges the loadgens' sparse histograms and reads percentiles (ms) off them. */
export function latencySummary(reports) {
  const merged = new Map();
  let binMs = 0.1;
  for (const report of reports) {
    binMs = report.binMs;
    for (const [bin, count] of Object.entries(report.hist)) {
      merged.set(Number(bin), (merged.get(Number(bin)) ?? 0) + count);
    }
  }
  const bins = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((n, [, c]) => n + c, 0);
  const at = (p) => {
    const want = Math.ceil(total * p);
    let seen = 0;
    for (const [bin, count] of bins) {
      seen += count;
      if (seen >= want) return (bin + 1) * binMs;
    }
    return Number.NaN;
  };
  return {
    samples: total,
    p50: at(0.5),
    p99: at(0.99),
    max: bins.length ? (bins[bins.length - 1][0] + 1) * binMs : Number.NaN,
  };
}

export function sum(reports, key) {
  return reports.reduce((n, r) => n + (r[key] ?? 0), 0);
}

export function machineInfo() {
  return {
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
    loadavg: loadavg().map((n) => n.toFixed(2)),
  };
}

export function describeMachine(info) {
  return `${info.cpus} CPUs, ${info.memoryGiB} GiB, Node ${info.node}, ${info.date}, load average ${info.loadavg.join(" ")}`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
