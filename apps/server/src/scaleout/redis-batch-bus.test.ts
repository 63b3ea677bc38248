// Two buses on one Redis stream, as two instances would be; Redis taken away through a proxy.
import { randomBytes } from "node:crypto";
import type { Batch, Metric } from "@scrapewatch/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { TcpProxy } from "../../test/tcp-proxy.ts";
import { eventually } from "../../test/test-server.ts";
import { createLogger } from "../logger.ts";
import { RedisBatchBus } from "./redis-batch-bus.ts";

const REDIS = new URL(process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379");

function metric(source: string, n: number): Metric {
  return {
    id: `id-${n}-${randomBytes(3).toString("hex")}`,
    type: "scheduler",
    source,
    timestamp: new Date().toISOString(),
    durationMs: n,
    itemsProcessed: 0,
    success: true,
    error: null,
  };
}

function collect(bus: RedisBatchBus): Batch[] {
  const seen: Batch[] = [];
  bus.onBatch((batch) => seen.push(batch));
  return seen;
}

const open: RedisBatchBus[] = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.cut()));
});

async function bus(url: string, stream: string) {
  const created = await RedisBatchBus.connect({ url, stream, logger: createLogger("silent") });
  open.push(created);
  return created;
}

/** Two instances on a fresh stream: `a` reaches Redis through a proxy the test controls, `b` directly. */
async function pairBehindProxy() {
  const stream = `sw-test-${randomBytes(4).toString("hex")}`;
  const proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
  await proxy.open();
  proxies.push(proxy);
  const a = await bus(`redis://127.0.0.1:${proxy.port}`, stream);
  const b = await bus(REDIS.toString(), stream);
  return { proxy, a, b, seenA: collect(a), seenB: collect(b) };
}

describe("RedisBatchBus", () => {
  it("delivers a batch published on one instance to every instance, under the same cursor", async () => {
    const stream = `sw-test-${randomBytes(4).toString("hex")}`;
    const a = await bus(REDIS.toString(), stream);
    const b = await bus(REDIS.toString(), stream);
    const seenA = collect(a);
    const seenB = collect(b);
    const published = await a.publish("robinhood", [metric("robinhood", 1), metric("robinhood", 2)]);
    const second = await b.publish("cnbc", [metric("cnbc", 3)]);
    await eventually(
      () => seenB.length,
      (n) => n === 2,
    );
    await eventually(
      () => seenA.length,
      (n) => n === 2,
    );
    expect(seenA.map((batch) => batch.id)).toEqual([published.id, second.id]);
    expect(seenB).toEqual(seenA);
    expect(published.id).toMatch(/^\d+-\d+$/);
  });

  it("keeps serving its own listeners while Redis is away and catches the others up when it returns", async () => {
    const { proxy, a, seenA, seenB } = await pairBehindProxy();

    const before = await a.publish("webull", [metric("webull", 1)]);
    await eventually(
      () => seenB.length,
      (n) => n === 1,
    );

    await proxy.cut();
    const during = await a.publish("webull", [metric("webull", 2)]);
    expect(a.degraded).toBe(true);
    // Delivered locally at once, with a cursor after everything seen so far.
    expect(seenA.map((batch) => batch.id)).toEqual([before.id, during.id]);
    expect(seenB.map((batch) => batch.id)).toEqual([before.id]);

    await proxy.open();
    await eventually(
      () => seenB.length,
      (n) => n === 2,
      15_000,
    );
    expect(seenB[1]?.metrics).toEqual(during.metrics);
    await eventually(
      () => a.degraded,
      (degraded) => !degraded,
      15_000,
    );
    const after = await a.publish("webull", [metric("webull", 3)]);
    await eventually(
      () => seenA.length,
      (n) => n === 3,
    );
    await eventually(
      () => seenB.length,
      (n) => n === 3,
    );
    // No duplicate on the origin: its clients already had the outage batch.
    expect(seenA.map((batch) => batch.id)).toEqual([before.id, during.id, after.id]);
    const ids = seenA.map((batch) => batch.id);
    expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
  });

  it("delivers a batch once when Redis took its publish but the answer was lost", async () => {
    const { proxy, a, seenA, seenB } = await pairBehindProxy();

    // The stream takes the batch (b reads it), but neither a's publish nor a's reader hears back.
    proxy.swallowReplies();
    const lost = a.publish("robinhood", [metric("robinhood", 1)]);
    await eventually(
      () => seenB.length,
      (n) => n === 1,
    );
    await proxy.cut();
    const published = await lost;
    expect(a.degraded).toBe(true);

    await proxy.open();
    await eventually(
      () => a.degraded,
      (degraded) => !degraded,
      15_000,
    );
    const after = await a.publish("robinhood", [metric("robinhood", 2)]);
    await eventually(
      () => seenA.length,
      (n) => n >= 2,
    );
    await eventually(
      () => seenB.length,
      (n) => n >= 2,
    );
    const eventIds = (seen: Batch[]) => seen.flatMap((batch) => batch.metrics.map((m) => m.id));
    const expected = [...published.metrics, ...after.metrics].map((m) => m.id);
    // Once each: no local copy on top of the stream's on a, no recovery append on b.
    expect(eventIds(seenA)).toEqual(expected);
    expect(eventIds(seenB)).toEqual(expected);
  });
});
