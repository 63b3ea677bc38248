import type { Anomaly, Batch, IncidentEvent } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { FanOut, type FrameEncoder, type Subscriber } from "./fanout.ts";
import { batch } from "./test-batches.test-helper.ts";

function encoder(name: string, counter: { n: number }): FrameEncoder<string> {
  return {
    name,
    batch: (b) => {
      counter.n += 1;
      return `${name}:${b.id}`;
    },
    anomaly: (a) => `${name}:anomaly:${a.id}`,
    incident: (e) => `${name}:incident:${e.action}:${e.incident.id}`,
  };
}

function subscriber(enc: FrameEncoder<string>, sources: string[] | null) {
  const got: string[] = [];
  const sub: Subscriber<string> & { got: string[] } = {
    encoder: enc,
    sources: sources ? new Set(sources) : null,
    got,
    deliverBatch: (_b: Batch, frame: string) => got.push(frame),
    deliverAnomaly: (_a: Anomaly, frame: string) => got.push(frame),
    deliverIncident: (_e: IncidentEvent, frame: string) => got.push(frame),
  };
  return sub;
}

describe("FanOut", () => {
  it("delivers a batch to subscribers of its source and of every source only", () => {
    const fanout = new FanOut();
    const enc = encoder("sse", { n: 0 });
    const a = subscriber(enc, ["a"]);
    const ab = subscriber(enc, ["a", "b"]);
    const all = subscriber(enc, null);
    const c = subscriber(enc, ["c"]);
    for (const s of [a, ab, all, c]) fanout.add(s);
    fanout.publishBatch(batch(1, 0, "a"));
    fanout.publishBatch(batch(2, 0, "b"));
    expect(a.got).toEqual(["sse:1-0"]);
    expect(ab.got).toEqual(["sse:1-0", "sse:2-0"]);
    expect(all.got).toEqual(["sse:1-0", "sse:2-0"]);
    expect(c.got).toEqual([]);
    expect(fanout.subscriptionsBySource()).toEqual({ "*": 1, a: 2, b: 1, c: 1 });
  });

  it("serializes a batch once per transport, however many clients", () => {
    const fanout = new FanOut();
    const sseCount = { n: 0 };
    const wsCount = { n: 0 };
    const sse = encoder("sse", sseCount);
    const ws = encoder("ws", wsCount);
    const subs = Array.from({ length: 50 }, (_, i) => subscriber(i % 2 ? sse : ws, i % 3 ? null : ["a"]));
    for (const s of subs) fanout.add(s);
    fanout.publishBatch(batch(1, 0, "a"));
    expect(sseCount.n).toBe(1);
    expect(wsCount.n).toBe(1);
    expect(subs.every((s) => s.got.length === 1)).toBe(true);
  });

  it("re-indexes a subscriber whose sources changed and forgets a removed one", () => {
    const fanout = new FanOut();
    const enc = encoder("ws", { n: 0 });
    const sub = subscriber(enc, ["a"]);
    fanout.add(sub);
    const moved = { ...sub, sources: new Set(["b"]) };
    fanout.remove(sub);
    fanout.add(moved);
    fanout.publishBatch(batch(1, 0, "a"));
    fanout.publishBatch(batch(2, 0, "b"));
    expect(sub.got).toEqual(["ws:2-0"]);
    fanout.remove(moved);
    fanout.publishBatch(batch(3, 0, "b"));
    expect(sub.got).toEqual(["ws:2-0"]);
    expect(fanout.size).toBe(0);
    expect(fanout.subscriptionsBySource()).toEqual({ "*": 0 });
  });

  it("sends anomalies to the subscribers of their source", () => {
    const fanout = new FanOut();
    const enc = encoder("sse", { n: 0 });
    const a = subscriber(enc, ["a"]);
    const b = subscriber(enc, ["b"]);
    fanout.add(a);
    fanout.add(b);
    fanout.publishAnomaly({
      id: "x1",
      source: "a",
      metric: "scrapeDuration",
      value: 10,
      baseline: 1,
      deviationScore: 9,
      direction: "spike",
      detectedAt: new Date(0).toISOString(),
    });
    expect(a.got).toEqual(["sse:anomaly:x1"]);
    expect(b.got).toEqual([]);
  });
});
