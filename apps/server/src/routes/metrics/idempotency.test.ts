import { describe, expect, it } from "vitest";
import { ApiError } from "../../http/api-error.ts";
import { answerOnce, IdempotencyCache } from "./idempotency.ts";

function counter() {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    accept: () => {
      calls++;
      return { status: 202, body: { accepted: 1, ids: [`id-${calls}`] } };
    },
  };
}

describe("answerOnce", () => {
  it("answers a repeated key with the first answer without accepting again", () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    const request = { key: "batch-1", scope: "", payload: [{ a: 1 }] };
    const first = answerOnce(cache, request, sink.accept);
    const second = answerOnce(cache, request, sink.accept);
    expect(sink.calls).toBe(1);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ status: 202, body: first.body, replayed: true });
    expect(JSON.parse(second.body)).toEqual({ accepted: 1, ids: ["id-1"] });
    expect(cache.replays).toBe(1);
  });

  it("accepts every request that carries no key", () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    answerOnce(cache, { key: undefined, scope: "", payload: [] }, sink.accept);
    answerOnce(cache, { key: undefined, scope: "", payload: [] }, sink.accept);
    expect(sink.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("keeps keys of different scopes apart", () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    answerOnce(cache, { key: "k", scope: "token-a", payload: 1 }, sink.accept);
    answerOnce(cache, { key: "k", scope: "token-b", payload: 1 }, sink.accept);
    expect(sink.calls).toBe(2);
  });

  it("refuses a known key reused for a different body", () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    answerOnce(cache, { key: "k", scope: "", payload: [1] }, sink.accept);
    expect(() => answerOnce(cache, { key: "k", scope: "", payload: [2] }, sink.accept)).toThrow(ApiError);
    expect(sink.calls).toBe(1);
  });

  it("refuses a malformed key with 400", () => {
    const cache = new IdempotencyCache();
    const run = () => answerOnce(cache, { key: "has space", scope: "", payload: 1 }, counter().accept);
    expect(run).toThrow(expect.objectContaining({ status: 400 }));
    expect(() =>
      answerOnce(cache, { key: "x".repeat(256), scope: "", payload: 1 }, counter().accept),
    ).toThrow(ApiError);
  });

  it("remembers nothing when accepting throws, so the retry runs again", () => {
    const cache = new IdempotencyCache();
    const request = { key: "k", scope: "", payload: 1 };
    expect(() =>
      answerOnce(cache, request, () => {
        throw new ApiError("queue_full", "full", undefined, 1);
      }),
    ).toThrow(ApiError);
    const sink = counter();
    expect(answerOnce(cache, request, sink.accept).replayed).toBe(false);
    expect(sink.calls).toBe(1);
  });
});

describe("IdempotencyCache", () => {
  it("forgets a key after the TTL", () => {
    let now = 1_000;
    const cache = new IdempotencyCache({ ttlMs: 10 * 60 * 1000, now: () => now });
    const sink = counter();
    const request = { key: "k", scope: "", payload: 1 };
    answerOnce(cache, request, sink.accept);
    now += 10 * 60 * 1000 - 1;
    expect(answerOnce(cache, request, sink.accept).replayed).toBe(true);
    now += 1;
    expect(answerOnce(cache, request, sink.accept).replayed).toBe(false);
    expect(sink.calls).toBe(2);
  });

  it("stays within its entry and byte bounds by evicting the oldest", () => {
    const cache = new IdempotencyCache({ maxEntries: 3, maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, { fingerprint: "f", status: 202, body: "{}" });
    expect(cache.size).toBe(3);
    expect(cache.get("k6")).toBeUndefined();
    expect(cache.get("k9")).toBeDefined();
    const small = new IdempotencyCache({ maxBytes: 1_000 });
    for (let i = 0; i < 10; i++) small.set(`k${i}`, { fingerprint: "f", status: 202, body: "x".repeat(300) });
    expect(small.size).toBe(2);
  });
});
