// Ingest rate limits: the bucket arithmetic on a fake clock, then a real server answering 429 with
// Retry-After per token and per address, counted in events.
import { afterEach, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { startTestServer, type TestServer } from "../../test/test-server.ts";
import { ApiError } from "./api-error.ts";
import { IngestRateLimiter } from "./rate-limit.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function refusal(run: () => void): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a 429");
}

describe("IngestRateLimiter", () => {
  it("lets a key spend its burst, refuses more with the seconds to wait, and refills at the rate", () => {
    let now = 0;
    const limiter = new IngestRateLimiter({ ratePerSecond: 100, burst: 200, now: () => now });
    limiter.take("a", 150);
    limiter.take("a", 50);
    const refused = refusal(() => limiter.take("a", 100));
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe(1);
    limiter.take("b", 200); // another key has its own bucket
    now += 1000;
    limiter.take("a", 100);
    expect(refusal(() => limiter.take("a", 1)).code).toBe("rate_limited");
  });

  it("passes a request larger than the burst from a full bucket, then makes the key wait for it", () => {
    let now = 0;
    const limiter = new IngestRateLimiter({ ratePerSecond: 1000, burst: 1000, now: () => now });
    limiter.take("a", 5000);
    expect(refusal(() => limiter.take("a", 1)).retryAfter).toBe(5);
    now += 5000;
    limiter.take("a", 1);
  });

  it("limits nothing when the rate is 0", () => {
    const limiter = new IngestRateLimiter({ ratePerSecond: 0 });
    for (let i = 0; i < 100; i++) limiter.take("a", 1_000_000);
    expect(limiter.size).toBe(0);
  });
});

describe("ingest rate limit on a real server", () => {
  async function server(env: Record<string, string>): Promise<TestServer> {
    const started = await startTestServer({ env });
    cleanups.push(() => started.stop());
    return started;
  }

  it("answers 429 with Retry-After once a token has sent its events, and other tokens go on", async () => {
    const running = await server({
      INGEST_TOKENS: "tok-a,tok-b",
      INGEST_RATE_LIMIT: "10",
      INGEST_RATE_BURST: "20",
    });
    const source = uniqueSource("rate");
    const events = (n: number) => Array.from({ length: n }, () => navigationEvent(source));
    const a = { authorization: "Bearer tok-a" };
    expect((await running.ingest(events(15), a)).status).toBe(202);
    // Counted in events: one request of 15 left 5, so 10 more are refused.
    const refused = await running.ingest(events(10), a);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect((await running.ingest(events(20), { authorization: "Bearer tok-b" })).status).toBe(202);
    // Nothing of the refused request was accepted.
    expect(running.services.pipeline.acceptedBySource.get(source)).toBe(35);
  });

  it("limits open ingest per client address", async () => {
    const running = await server({ INGEST_RATE_LIMIT: "5", INGEST_RATE_BURST: "5" });
    const source = uniqueSource("rate-addr");
    expect((await running.ingest([navigationEvent(source), navigationEvent(source)])).status).toBe(202);
    expect((await running.ingest(Array.from({ length: 4 }, () => navigationEvent(source)))).status).toBe(429);
    const limiter = running.services.ingestLimiter;
    expect(limiter instanceof IngestRateLimiter ? limiter.size : -1).toBe(1);
  });

  it("does not charge a replayed Idempotency-Key answer", async () => {
    const running = await server({ INGEST_RATE_LIMIT: "1", INGEST_RATE_BURST: "3" });
    const body = [1, 2, 3].map(() => navigationEvent(uniqueSource("rate-idem")));
    const headers = { "idempotency-key": `k-${uniqueSource()}` };
    expect((await running.ingest(body, headers)).status).toBe(202);
    const again = await running.ingest(body, headers);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});
