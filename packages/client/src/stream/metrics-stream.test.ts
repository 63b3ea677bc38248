import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { StreamServer } from "../../test/stream-server.ts";
import type { Batch, IncidentEvent } from "../types.ts";
import { MetricsStream } from "./metrics-stream.ts";
import type { MetricsStreamOptions, StreamStatus, StreamTransport } from "./stream-types.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

async function setup(transport: StreamTransport, options: Partial<MetricsStreamOptions> = {}) {
  const server = await new StreamServer().start();
  cleanups.push(() => server.stop());
  const stream = new MetricsStream({
    baseUrl: server.baseUrl,
    transport,
    reconnect: { initialDelayMs: 30, factor: 1.5, maxDelayMs: 200 },
    ...options,
  });
  cleanups.push(() => stream.close());
  const received: Batch[] = [];
  stream.on("metrics", (batch) => received.push(batch));
  return { server, stream, received };
}

/** Resolves when `check` holds, re-checking on each of the stream's events. */
function until(stream: MetricsStream, check: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("condition not met in time")), timeoutMs);
    const probe = () => {
      if (!check()) return;
      clearTimeout(timer);
      for (const event of ["metrics", "connect", "disconnect", "error", "status"] as const)
        stream.off(event, probe);
      resolve();
    };
    for (const event of ["metrics", "connect", "disconnect", "error", "status"] as const)
      stream.on(event, probe);
    probe();
  });
}

describe.each(["sse", "websocket"] as const)("MetricsStream over %s", (transport) => {
  it("delivers the batches of its sources only", async () => {
    const a = unique("a");
    const b = unique("b");
    const { server, stream, received } = await setup(transport, { sources: [a] });
    await stream.connect();
    expect(stream.state).toBe("open");
    server.publish(b);
    const sent = server.publish(a, 3);
    await until(stream, () => received.length === 1);
    expect(received[0]).toEqual(sent);
    expect(stream.lastEventId).toBe(sent.id);
  });

  it("reconnects across a server restart and resumes from its cursor: nothing missed, nothing twice", async () => {
    const source = unique("resume");
    const { server, stream, received } = await setup(transport, { sources: [source] });
    const disconnects: boolean[] = [];
    stream.on("disconnect", (info) => disconnects.push(info.willReconnect));
    await stream.connect();
    for (let i = 0; i < 3; i++) server.publish(source, 2);
    await until(stream, () => received.length === 3);
    const port = server.port;
    await server.stop();
    await until(stream, () => disconnects.length > 0);
    server.publish(source); // published while this client is away
    server.publish(source);
    let connects = 0;
    stream.on("connect", () => connects++);
    await server.start(port);
    await until(stream, () => connects === 1);
    server.publish(source);
    await until(stream, () => received.length === 6);
    expect(received.map((b) => b.id)).toEqual(server.log.map((b) => b.id));
    expect(server.resumes.at(-1)).toBe(server.log[2]?.id);
    expect(disconnects[0]).toBe(true);
  });

  it("gives up after maxAttempts failed attempts and closes", async () => {
    const { server, stream } = await setup(transport, {
      reconnect: { initialDelayMs: 5, factor: 1, maxDelayMs: 5, maxAttempts: 3 },
    });
    await stream.connect();
    const errors: Error[] = [];
    stream.on("error", (error) => errors.push(error));
    await server.stop();
    await until(stream, () => stream.state === "closed");
    expect(errors.at(-1)?.message).toMatch(/gave up after 3 attempts/);
  });

  it("reconnects when the link goes silent past the heartbeat timeout", async () => {
    const { server, stream } = await setup(transport, { heartbeatTimeoutMs: 300 });
    let connects = 0;
    stream.on("connect", () => connects++);
    await stream.connect();
    server.silent = true;
    await until(stream, () => connects >= 2);
    expect(connects).toBeGreaterThanOrEqual(2);
  });

  it("follows sources added and removed while connected", async () => {
    const a = unique("sub-a");
    const b = unique("sub-b");
    const { server, stream, received } = await setup(transport, { sources: [a] });
    await stream.connect();
    stream.subscribe([b]);
    await waitFor(() => (transport === "sse" ? server.resumes.length === 2 : server.wsMessages.length >= 2));
    server.publish(b);
    await until(stream, () => received.length === 1);
    expect(received[0]?.source).toBe(b);
    stream.unsubscribe([b]);
    await waitFor(() =>
      transport === "sse"
        ? server.resumes.length === 3
        : server.wsMessages.some((m) => (m as { type: string }).type === "unsubscribe"),
    );
    server.publish(b);
    const last = server.publish(a);
    await until(stream, () => received.length === 2);
    expect(received[1]?.id).toBe(last.id);
    expect(stream.subscribedSources).toEqual([a]);
  });

  it("delivers anomalies", async () => {
    const source = unique("anomaly");
    const { server, stream } = await setup(transport, { sources: [source] });
    const anomalies: unknown[] = [];
    stream.on("anomaly", (anomaly) => anomalies.push(anomaly));
    await stream.connect();
    const sent = server.publishAnomaly(source);
    await waitFor(() => anomalies.length === 1);
    expect(anomalies[0]).toEqual(sent);
  });

  it("delivers incidents without moving the resume cursor", async () => {
    const source = unique("incident");
    const { server, stream, received } = await setup(transport, { sources: [source] });
    const incidents: IncidentEvent[] = [];
    stream.on("incident", (event) => incidents.push(event));
    await stream.connect();
    const batch = server.publish(source);
    await until(stream, () => received.length === 1);
    const opened = server.publishIncident(source, "opened");
    const resolved = server.publishIncident(source, "resolved");
    await waitFor(() => incidents.length === 2);
    expect(incidents).toEqual([opened, resolved]);
    expect(stream.lastEventId).toBe(batch.id);
  });

  it("moves between all sources and a list with setSources", async () => {
    const a = unique("set-a");
    const b = unique("set-b");
    const { server, stream, received } = await setup(transport);
    await stream.connect();
    stream.setSources([a]);
    await until(stream, () => stream.state === "open");
    // Published until one arrives: over SSE the narrowed stream is a new connection.
    await waitFor(() => {
      server.publish(b);
      server.publish(a);
      return received.some((batch) => batch.source === a);
    });
    // From the first batch of the narrowed subscription on, nothing of the other source.
    const narrowedAt = received.findIndex((batch) => batch.source === a);
    server.publish(b);
    const onlyA = server.publish(a);
    await until(stream, () => received.at(-1)?.id === onlyA.id);
    expect(new Set(received.slice(narrowedAt).map((batch) => batch.source))).toEqual(new Set([a]));

    stream.setSources(null);
    await waitFor(() => {
      server.publish(b);
      return received.at(-1)?.source === b;
    });
    expect(stream.subscribedSources).toBeNull();
    const ids = received.map((batch) => batch.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("reports each failed attempt and its wait as status", async () => {
    const source = unique("status");
    const { server, stream } = await setup(transport, { sources: [source] });
    const statuses: StreamStatus[] = [];
    stream.on("status", (status) => statuses.push(status));
    await stream.connect();
    const port = server.port;
    await server.stop();
    await until(stream, () => statuses.filter((s) => s.state === "reconnecting").length >= 4);
    const waits = statuses.filter((s) => s.state === "reconnecting" && s.retryInMs !== null);
    expect(waits[0]).toMatchObject({ failures: 1, retryInMs: 30, transport });
    expect(waits[1]).toMatchObject({ failures: 2, retryInMs: 45 });
    await server.start(port);
    await until(stream, () => stream.state === "open");
    expect(stream.status).toEqual({ state: "open", transport, failures: 0, retryInMs: null });
  });

  it("reports a reset when its cursor is older than the server keeps, then continues from the server's cursor", async () => {
    const source = unique("reset");
    const server = await new StreamServer().start();
    cleanups.push(() => server.stop());
    const old = server.publish(source);
    server.publish(source);
    const newest = server.publish(source);
    server.oldestKept = newest.id;
    const stream = new MetricsStream({
      baseUrl: server.baseUrl,
      transport,
      sources: [source],
      lastEventId: old.id,
    });
    cleanups.push(() => stream.close());
    const resets: { previousCursor: string | null; cursor: string | null }[] = [];
    const received: Batch[] = [];
    stream.on("reset", (reset) => resets.push(reset));
    stream.on("metrics", (batch) => received.push(batch));
    await stream.connect();
    await waitFor(() => resets.length === 1);
    expect(resets[0]).toMatchObject({ previousCursor: old.id, cursor: newest.id });
    expect(stream.lastEventId).toBe(newest.id);
    const next = server.publish(source);
    await waitFor(() => received.length === 1);
    expect(received[0]?.id).toBe(next.id);
  });

  it("sends its token, and stops at once when the server refuses it", async () => {
    const server = await new StreamServer({ token: "read-secret" }).start();
    cleanups.push(() => server.stop());
    const good = new MetricsStream({ baseUrl: server.baseUrl, transport, token: "read-secret" });
    cleanups.push(() => good.close());
    await good.connect();
    const bad = new MetricsStream({ baseUrl: server.baseUrl, transport, token: "wrong" });
    cleanups.push(() => bad.close());
    const errors: Error[] = [];
    bad.on("error", (error) => errors.push(error));
    await expect(bad.connect()).rejects.toThrow(/401/);
    expect(bad.state).toBe("closed");
    expect(errors).toHaveLength(1);
  });

  it("lets a script exit by itself once it closes the stream", async () => {
    const server = await new StreamServer().start();
    cleanups.push(() => server.stop());
    const script = fileURLToPath(new URL("../../test/fixtures/stream-child.ts", import.meta.url));
    const source = unique("child");
    const child = spawn(process.execPath, ["--import", "tsx", script, server.baseUrl, transport, source], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const stdout = child.stdout;
    for await (const chunk of stdout) if (String(chunk).includes("connected")) break;
    server.publish(source);
    const started = Date.now();
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
