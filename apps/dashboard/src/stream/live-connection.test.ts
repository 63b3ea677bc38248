import type { Batch, Metric } from "@scrapewatch/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveConnection, type LiveSink } from "./live-connection.ts";
import type { OpenTransport, Transport, TransportEvents, TransportOptions } from "./transport.ts";
import type { LiveEvent, SourceSelection } from "./types.ts";

/** A scripted transport: the test plays the server's side through `events`. */
class ScriptedTransport implements Transport {
  closed = false;
  readonly resubscribes: Array<{ sources: SourceSelection; lastEventId: string | null }> = [];
  constructor(
    readonly options: TransportOptions,
    readonly events: TransportEvents,
  ) {}
  resubscribe(sources: SourceSelection, lastEventId: string | null): void {
    this.resubscribes.push({ sources, lastEventId });
  }
  close(): void {
    this.closed = true;
  }
}

function harness(pollAfterFailures = 2) {
  const opened: ScriptedTransport[] = [];
  const open: OpenTransport = (options, events) => {
    const t = new ScriptedTransport(options, events);
    opened.push(t);
    return t;
  };
  const delivered: LiveEvent[] = [];
  const resets: string[] = [];
  const sink: LiveSink = {
    events: (events) => delivered.push(...events),
    anomaly: () => {},
    reset: (r) => resets.push(r.reason),
  };
  const conn = new LiveConnection(
    { origin: "http://x", transports: { sse: open, websocket: open }, pollAfterFailures },
    sink,
  );
  const last = () => {
    const t = opened.at(-1);
    if (!t) throw new Error("no transport opened");
    return t;
  };
  return { conn, opened, delivered, resets, last };
}

let seq = 0;
function metrics(source: string, count: number): Metric[] {
  return Array.from({ length: count }, () => {
    seq += 1;
    return {
      id: `m${seq}`,
      type: "scrape" as const,
      source,
      url: "https://example.test/",
      durationMs: 10,
      itemsExtracted: 1,
      dataSize: 0,
      success: true,
      error: null,
      timestamp: new Date().toISOString(),
    };
  });
}
function batch(id: string, source: string, count = 1): Batch {
  return { id, source, count, timestamp: new Date().toISOString(), metrics: metrics(source, count) };
}
function polled(cursor: string, source: string): LiveEvent {
  const [metric] = metrics(source, 1);
  if (!metric) throw new Error("no metric");
  return { ...metric, cursor };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("LiveConnection", () => {
  it("is live once the server confirms, and starts at the server's cursor (no history dump)", () => {
    const { conn, last } = harness();
    conn.start();
    expect(conn.status.state).toBe("reconnecting");
    expect(last().options.lastEventId).toBeNull();
    last().events.open("900-4");
    expect(conn.status.state).toBe("live");
    expect(conn.cursor).toBe("900-4");
  });

  it("reconnects after 3 s, 4.5 s, 6.75 s resuming from the last delivered cursor", () => {
    const { conn, opened, last, delivered } = harness(99);
    conn.start();
    last().events.open(null);
    last().events.batch(batch("10-1", "a", 2));
    last().events.down("cut");
    expect(conn.status.state).toBe("reconnecting");
    vi.advanceTimersByTime(2999);
    expect(opened).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(opened).toHaveLength(2);
    expect(last().options.lastEventId).toBe("10-1");
    last().events.down("refused");
    vi.advanceTimersByTime(4499);
    expect(opened).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(opened).toHaveLength(3);
    last().events.down("refused");
    vi.advanceTimersByTime(6750);
    expect(opened).toHaveLength(4);
    // A resuming client keeps its own cursor, and a replay overlapping what it saw is not shown again.
    last().events.open("99-0");
    last().events.batch(batch("10-1", "a", 2));
    last().events.batch(batch("10-2", "a", 1));
    expect(delivered.map((e) => e.cursor)).toEqual(["10-1-0", "10-1-1", "10-2-0"]);
  });

  it("polls after repeated failures, then streams again from where polling stopped", () => {
    const { conn, last, delivered } = harness(2);
    conn.start();
    last().events.open(null);
    last().events.batch(batch("20-1", "a"));
    last().events.down("cut");
    expect(conn.status.polling).toBe(false);
    vi.advanceTimersByTime(3000);
    last().events.down("blocked");
    expect(conn.status.polling).toBe(true);
    expect(conn.status.state).toBe("reconnecting");
    expect(conn.acceptPolled([polled("20-1-0", "a"), polled("20-2-0", "a"), polled("20-2-1", "a")])).toBe(2);
    expect(conn.status.state).toBe("polling");
    conn.pollFailed();
    expect(conn.status.state).toBe("offline");
    conn.acceptPolled([]);
    expect(conn.status.state).toBe("polling");
    vi.advanceTimersByTime(4500);
    expect(last().options.lastEventId).toBe("20-2-1");
    expect(conn.status.state).toBe("polling");
    last().events.open("25-0");
    expect(conn.status).toMatchObject({ state: "live", polling: false });
    last().events.batch(batch("20-2", "a", 3));
    expect(delivered.map((e) => e.cursor)).toEqual(["20-1-0", "20-2-0", "20-2-1", "20-2-2"]);
  });

  it("resubscribes the open stream from the current cursor and filters unsubscribed sources", () => {
    const { conn, last, delivered } = harness();
    conn.start();
    last().events.open("30-0");
    conn.setSources(["a"]);
    expect(last().resubscribes).toEqual([{ sources: ["a"], lastEventId: "30-0" }]);
    last().events.batch(batch("30-1", "b"));
    last().events.batch(batch("30-2", "a"));
    expect(delivered.map((e) => e.source)).toEqual(["a"]);
  });

  it("switching transport closes the old one and resumes on the new one", () => {
    const { conn, opened, last } = harness();
    conn.start();
    last().events.open("40-0");
    last().events.batch(batch("40-1", "a"));
    conn.setTransport("websocket");
    expect(opened[0]?.closed).toBe(true);
    expect(last().options.lastEventId).toBe("40-1");
    expect(conn.status).toMatchObject({ transport: "websocket", state: "reconnecting" });
    // A late callback from the closed transport changes nothing.
    opened[0]?.events.down("late");
    expect(conn.status.failures).toBe(0);
  });

  it("on reset restarts from the cursor the server names", () => {
    const { conn, last, resets } = harness();
    conn.start();
    last().events.open(null);
    last().events.reset({ reason: "cursor too old", cursor: "50-0" });
    expect(resets).toEqual(["cursor too old"]);
    expect(conn.cursor).toBe("50-0");
  });

  it("says offline when the browser is offline, and reconnects at once from the cursor when back", () => {
    const { conn, last, opened } = harness();
    conn.start();
    last().events.open("60-0");
    conn.setOnline(false);
    expect(conn.status.state).toBe("offline");
    expect(opened[0]?.closed).toBe(true);
    conn.setOnline(true);
    expect(opened).toHaveLength(2);
    expect(last().options.lastEventId).toBe("60-0");
    last().events.open("61-0");
    expect(conn.status.state).toBe("live");
    conn.stop();
    expect(conn.status.state).toBe("offline");
    expect(last().closed).toBe(true);
  });
});
