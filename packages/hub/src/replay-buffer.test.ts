import { describe, expect, it } from "vitest";
import { ReplayBuffer } from "./replay-buffer.ts";
import { batch } from "./test-batches.test-helper.ts";

const all = () => true;
const ids = (plan: { batches: { id: string; count: number }[] }) =>
  plan.batches.map((b) => `${b.id}/${b.count}`);

describe("ReplayBuffer", () => {
  it("resumes from memory after a batch cursor, filtered by source", () => {
    const buffer = new ReplayBuffer(10, null);
    buffer.push(batch(1, 0, "a"));
    buffer.push(batch(1, 1, "b"));
    buffer.push(batch(2, 0, "a"));
    const plan = buffer.resume({ ms: 1, seq: 0 }, (s) => s === "a");
    expect(plan.from).toBe("memory");
    expect(ids(plan)).toEqual(["2-0/2"]);
    expect(ids(buffer.resume({ ms: 0, seq: 0 }, all))).toEqual(["1-0/2", "1-1/2", "2-0/2"]);
    expect(ids(buffer.resume({ ms: 2, seq: 0 }, all))).toEqual([]);
  });

  it("resumes mid-batch from an event cursor with only the later events", () => {
    const buffer = new ReplayBuffer(10, null);
    buffer.push(batch(5, 0, "a", 4));
    buffer.push(batch(6, 0, "a", 1));
    const plan = buffer.resume({ ms: 5, seq: 0, index: 1 }, all);
    expect(ids(plan)).toEqual(["5-0/2", "6-0/1"]);
    expect(plan.batches[0]?.metrics.map((m) => m.durationMs)).toEqual([2, 3]);
    // The last event of a batch: nothing of it is left.
    expect(ids(buffer.resume({ ms: 5, seq: 0, index: 3 }, all))).toEqual(["6-0/1"]);
  });

  it("never evicts a batch the writer has not stored", () => {
    const buffer = new ReplayBuffer(2, null);
    for (let ms = 1; ms <= 5; ms++) buffer.push(batch(ms, 0, "a"));
    expect(buffer.size).toBe(5);
    buffer.markStored({ ms: 2, seq: 0 });
    expect(buffer.size).toBe(3);
    buffer.markStored({ ms: 5, seq: 0 });
    expect(buffer.size).toBe(2);
    expect(buffer.resume({ ms: 4, seq: 0 }, all).from).toBe("memory");
  });

  it("sends a cursor older than the buffer to storage up to what memory covers", () => {
    const buffer = new ReplayBuffer(2, { ms: 1, seq: 0 });
    for (let ms = 2; ms <= 5; ms++) buffer.push(batch(ms, 0, "a"));
    buffer.markStored({ ms: 5, seq: 0 });
    const plan = buffer.resume({ ms: 2, seq: 0, index: 0 }, all);
    expect(plan).toMatchObject({ from: "storage", until: { ms: 3, seq: 0 } });
    expect(ids(plan)).toEqual(["4-0/2", "5-0/2"]);
    expect(buffer.resume({ ms: 0, seq: 0 }, all).from).toBe("storage");
    // Right at the edge of what is covered: memory.
    expect(ids(buffer.resume({ ms: 3, seq: 0 }, all))).toEqual(["4-0/2", "5-0/2"]);
  });

  it("starts covering only after the newest cursor published before it", () => {
    const buffer = new ReplayBuffer(10, { ms: 7, seq: 2 });
    expect(buffer.newest).toEqual({ ms: 7, seq: 2 });
    expect(buffer.resume({ ms: 7, seq: 1 }, all).from).toBe("storage");
    expect(buffer.resume({ ms: 7, seq: 2 }, all).from).toBe("memory");
  });

  it("also bounds the events it keeps", () => {
    const buffer = new ReplayBuffer(1_000, null, 10);
    for (let ms = 1; ms <= 10; ms++) buffer.push(batch(ms, 0, "a", 4));
    buffer.markStored({ ms: 10, seq: 0 });
    expect(buffer.size).toBe(2);
    expect(buffer.resume({ ms: 8, seq: 0 }, all).from).toBe("memory");
    expect(buffer.resume({ ms: 7, seq: 0 }, all).from).toBe("storage");
  });

  it("stays bounded over many batches", () => {
    const buffer = new ReplayBuffer(100, null);
    for (let ms = 1; ms <= 10_000; ms++) {
      buffer.push(batch(ms, 0, "a", 1));
      buffer.markStored({ ms, seq: 0 });
    }
    expect(buffer.size).toBe(100);
    expect(ids(buffer.resume({ ms: 9_998, seq: 0 }, all))).toEqual(["9999-0/1", "10000-0/1"]);
  });
});

describe("ReplayBuffer byte bound", () => {
  it("keeps stored batches only up to REPLAY_BUFFER_BYTES, however few events they hold", () => {
    const big = (ms: number) => {
      const b = batch(ms, 0, "a", 1);
      const metric = b.metrics[0];
      return metric ? { ...b, metrics: [{ ...metric, error: "e".repeat(100_000) }] } : b;
    };
    const buffer = new ReplayBuffer(1_000, null, 1_000, 1_300_000);
    for (let ms = 1; ms <= 10; ms++) buffer.push(big(ms));
    expect(buffer.size).toBe(10);
    buffer.markStored({ ms: 10, seq: 0 });
    // Three copies (batch and two frames) of ~200 KB each (estimated): two batches fit in 1.3 MB.
    expect(buffer.size).toBe(2);
    expect(buffer.sizeBytes).toBeLessThanOrEqual(1_300_000);
    expect(buffer.resume({ ms: 6, seq: 0 }, all).from).toBe("storage");
  });
});
