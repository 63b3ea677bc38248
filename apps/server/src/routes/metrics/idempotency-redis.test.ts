// Idempotency-Key shared through Redis: two servers on one MariaDB database and one Redis, as two
// instances behind a load balancer; and the store alone, with Redis taken away through a proxy.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { TcpProxy } from "../../../test/tcp-proxy.ts";
import { countStored, eventually } from "../../../test/test-server.ts";
import { REDIS_TEST_URL, useTwoInstances } from "../../../test/two-instances.ts";
import { createLogger } from "../../logger.ts";
import { IdempotencyCache } from "./idempotency.ts";
import { RedisIdempotencyStore } from "./idempotency-redis.ts";

const REDIS = new URL(REDIS_TEST_URL);

describe("Idempotency-Key across two instances (Redis)", () => {
  const instances = useTwoInstances();

  it("answers a key posted to instance A, then B, with the same ids and stores the events once", async () => {
    const { a, b } = instances;
    const source = uniqueSource("idem-ab");
    const body = [navigationEvent(source), navigationEvent(source), navigationEvent(source)];
    const headers = { "idempotency-key": `k-${source}` };
    const first = await a.ingest(body, headers);
    const acceptedOnB = b.services.pipeline.accepted;
    const second = await b.ingest(body, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const firstBody = (await first.json()) as { ids: string[] };
    expect(await second.json()).toEqual(firstBody);
    expect(firstBody.ids).toHaveLength(3);
    expect(b.services.pipeline.accepted).toBe(acceptedOnB);
    await eventually(
      () => countStored(a.databaseUrl, [source]),
      (n) => n === 3,
    );
  });

  it("accepts concurrent repeats on both instances once: the others get the answer or 409", async () => {
    const { a, b } = instances;
    const source = uniqueSource("idem-race");
    const body = [navigationEvent(source), navigationEvent(source)];
    const headers = { "idempotency-key": `k-${source}` };
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).ingest(body, headers)),
    );
    const answers = await Promise.all(
      responses.map(async (response) => ({
        status: response.status,
        replayed: response.headers.get("idempotent-replayed") === "true",
        retryAfter: response.headers.get("retry-after"),
        body: (await response.json()) as { ids?: string[]; error?: { code: string } },
      })),
    );
    const firsts = answers.filter((answer) => answer.status === 202 && !answer.replayed);
    expect(firsts).toHaveLength(1);
    const ids = firsts[0]?.body.ids;
    for (const answer of answers) {
      if (answer.status === 202) expect(answer.body.ids).toEqual(ids);
      else {
        expect(answer.status).toBe(409);
        expect(answer.body.error?.code).toBe("idempotency_in_progress");
        expect(answer.retryAfter).toBe("1");
      }
    }
    await eventually(
      () => countStored(a.databaseUrl, [source]),
      (n) => n === 2,
    );
    // A retry after the 409 gets the first answer.
    const retried = await b.ingest(body, headers);
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { ids: string[] }).ids).toEqual(ids);
  });
});

describe("RedisIdempotencyStore", () => {
  const logger = createLogger("silent");
  const prefix = () => `sw-test-${randomBytes(4).toString("hex")}`;

  it("holds a claimed key against other instances until it is answered or released", async () => {
    const redis = new Redis(REDIS.toString());
    try {
      const shared = prefix();
      const one = new RedisIdempotencyStore({
        redis,
        prefix: shared,
        fallback: new IdempotencyCache(),
        logger,
      });
      const other = new RedisIdempotencyStore({
        redis,
        prefix: shared,
        fallback: new IdempotencyCache(),
        logger,
      });
      const claim = await one.claim("scope\u0000k", "f1");
      if (claim.kind !== "claimed") throw new Error(`expected a claim, got ${claim.kind}`);
      expect(await other.claim("scope\u0000k", "f1")).toEqual({ kind: "in_progress", fingerprint: "f1" });
      await claim.release();
      const again = await other.claim("scope\u0000k", "f1");
      if (again.kind !== "claimed") throw new Error(`expected a claim, got ${again.kind}`);
      await again.complete({ fingerprint: "f1", status: 202, body: '{"accepted":1}' });
      expect(await one.claim("scope\u0000k", "f1")).toEqual({
        kind: "answered",
        answer: { fingerprint: "f1", status: 202, body: '{"accepted":1}' },
      });
      // The token that scopes the key never reaches Redis in clear.
      expect(await redis.keys(`${shared}:*scope*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("answers through this instance's memory while Redis is away", async () => {
    const proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
    await proxy.open();
    const redis = new Redis(`redis://127.0.0.1:${proxy.port}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    redis.on("error", () => {});
    try {
      await redis.connect();
      const store = new RedisIdempotencyStore({
        redis,
        prefix: prefix(),
        fallback: new IdempotencyCache(),
        logger,
      });
      await proxy.cut();
      const claim = await store.claim("\u0000k", "f");
      if (claim.kind !== "claimed") throw new Error(`expected a claim, got ${claim.kind}`);
      await claim.complete({ fingerprint: "f", status: 202, body: "{}" });
      expect((await store.claim("\u0000k", "f")).kind).toBe("answered");
    } finally {
      redis.disconnect();
      await proxy.cut();
    }
  });
});
