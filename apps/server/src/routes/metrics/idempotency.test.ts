import { createHash } from "node:crypto";
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
  it("answers a repeated key with the first answer without accepting again", async () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    const request = { key: "batch-1", scope: "", payload: [{ a: 1 }] };
    const first = await answerOnce(cache, request, sink.accept);
    const second = await answerOnce(cache, request, sink.accept);
    expect(sink.calls).toBe(1);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ status: 202, body: first.body, replayed: true });
    expect(JSON.parse(second.body)).toEqual({ accepted: 1, ids: ["id-1"] });
    expect(cache.replays).toBe(1);
  });

  it("accepts every request that carries no key", async () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    await answerOnce(cache, { key: undefined, scope: "", payload: [] }, sink.accept);
    await answerOnce(cache, { key: undefined, scope: "", payload: [] }, sink.accept);
    expect(sink.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("keeps keys of different scopes apart", async () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    await answerOnce(cache, { key: "k", scope: "token-a", payload: 1 }, sink.accept);
    await answerOnce(cache, { key: "k", scope: "token-b", payload: 1 }, sink.accept);
    expect(sink.calls).toBe(2);
  });

  it("refuses a known key reused for a different body", async () => {
    const cache = new IdempotencyCache();
    const sink = counter();
    await answerOnce(cache, { key: "k", scope: "", payload: [1] }, sink.accept);
    await expect(answerOnce(cache, { key: "k", scope: "", payload: [2] }, sink.accept)).rejects.toThrow(
      ApiError,
    );
    expect(sink.calls).toBe(1);
  });

  it("refuses a malformed key with 400", async () => {
    const cache = new IdempotencyCache();
    await expect(
      answerOnce(cache, { key: "has space", scope: "", payload: 1 }, counter().accept),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      answerOnce(cache, { key: "x".repeat(256), scope: "", payload: 1 }, counter().accept),
    ).rejects.toThrow(ApiError);
  });

  it("remembers nothing when accepting throws, so the retry runs again", async () => {
    const cache = new IdempotencyCache();
    const request = { key: "k", scope: "", payload: 1 };
    await expect(
      answerOnce(cache, request, () => {
        throw new ApiError("queue_full", "full", undefined, 1);
      }),
    ).rejects.toThrow(ApiError);
    const sink = counter();
    expect((await answerOnce(cache, request, sink.accept)).replayed).toBe(false);
    expect(sink.calls).toBe(1);
  });

  it("answers 409 with Retry-After to a repeat that arrives while the first is being accepted", async () => {
    const request = { key: "k", scope: "", payload: 1 };
    const sink = counter();
    const cache = new IdempotencyCache();
    // The first request holds the key (claimed, not yet answered).
    expect((await cache.claim("\u0000k", fingerprint(1))).kind).toBe("claimed");
    await expect(answerOnce(cache, request, sink.accept)).rejects.toMatchObject({
      status: 409,
      code: "idempotency_in_progress",
      retryAfter: 1,
    });
    // The same key with another body is a 422 whatever the state of the first.
    await expect(answerOnce(cache, { ...request, payload: 2 }, sink.accept)).rejects.toMatchObject({
      status: 422,
    });
    expect(sink.calls).toBe(0);
  });
});

describe("IdempotencyCache", () => {
  it("forgets a key after the TTL", async () => {
    let now = 1_000;
    const cache = new IdempotencyCache({ ttlMs: 10 * 60 * 1000, now: () => now });
    const sink = counter();
    const request = { key: "k", scope: "", payload: 1 };
    await answerOnce(cache, request, sink.accept);
    now += 10 * 60 * 1000 - 1;
    expect((await answerOnce(cache, request, sink.accept)).replayed).toBe(true);
    now += 1;
    expect((await answerOnce(cache, request, sink.accept)).replayed).toBe(false);
    expect(sink.calls).toBe(2);
  });

  it("stays within its entry and byte bounds by evicting the oldest", async () => {
    const answered = async (cache: IdempotencyCache, key: string, body: string) => {
      const claim = await cache.claim(key, "f");
      if (claim.kind === "claimed") await claim.complete({ fingerprint: "f", status: 202, body });
    };
    const cache = new IdempotencyCache({ maxEntries: 3, maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) await answered(cache, `k${i}`, "{}");
    expect(cache.size).toBe(3);
    expect((await cache.claim("k6", "f")).kind).toBe("claimed");
    expect((await cache.claim("k9", "f")).kind).toBe("answered");
    const small = new IdempotencyCache({ maxBytes: 1_000 });
    for (let i = 0; i < 10; i++) await answered(small, `k${i}`, "x".repeat(300));
    expect(small.size).toBe(2);
  });
});

/** The fingerprint answerOnce computes for a payload. */
function fingerprint(payload: unknown): string {
  return createHash("sha256").update(JSON.stringify(payload)).digest("base64url");
}
