import type { MetricsStreamEvents, MetricsStreamOptions } from "@scrapewatch/client";
import type { Batch, Metric } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { LiveConnection, type LiveSink, type LiveStream } from "./live-connection.ts";
import type { LiveEvent } from "./types.ts";

/**
 * Plays the SDK's MetricsStream from the outside (its transports, backoff and resume are tested
 * against a real server in packages/client); here only what the dashboard adds is under test.
 */
class ScriptedStream implements LiveStream {
  closed = false;
  readonly selections: Array<readonly string[] | null> = [];
  readonly resumedFrom: string[] = [];
  private readonly listeners = new Map<string, Set<(...args: never[]) => void>>();
  constructor(readonly options: MetricsStreamOptions) {}
  on<E extends keyof MetricsStreamEvents>(event: E, listener: MetricsStreamEvents[E]): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (...args: never[]) => void);
    this.listeners.set(event, set);
    return this;
  }
  emit<E extends keyof MetricsStreamEvents>(event: E, ...args: Parameters<MetricsStreamEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as unknown as (...a: Parameters<MetricsStreamEvents[E]>) => void)(...args);
    }
  }
  connect(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
  setSources(sources: readonly string[] | null): void {
    this.selections.push(sources);
  }
  resumeFrom(cursor: string): void {
    this.resumedFrom.push(cursor);
  }
  open(cursor: string | null): void {
    const transport = this.options.transport ?? "sse";
    this.emit("connect", { clientId: "c", sources: null, serverTime: "", cursor, transport, reconnects: 0 });
  }
  batch(batch: Batch): void {
    this.emit("metrics", batch);
  }
  /** A failed attempt, as MetricsStream reports it: reconnecting, with the wait before the next. */
  down(retryInMs = 3000, failures = 1): void {
    const transport = this.options.transport ?? "sse";
    this.emit("status", { state: "reconnecting", transport, failures, retryInMs });
  }
}

function harness(pollAfterFailures = 2) {
  const opened: ScriptedStream[] = [];
  const delivered: LiveEvent[] = [];
  const resets: string[] = [];
  const incidents: string[] = [];
  const sink: LiveSink = {
    events: (events) => delivered.push(...events),
    anomaly: () => {},
    incident: (event) => incidents.push(`${event.action} ${event.incident.id}`),
    reset: (r) => resets.push(r.reason),
  };
  const openStream = (options: MetricsStreamOptions) => {
    const stream = new ScriptedStream(options);
    opened.push(stream);
    return stream;
  };
  const conn = new LiveConnection({ origin: "http://x", pollAfterFailures, openStream }, sink);
  const last = () => {
    const stream = opened.at(-1);
    if (!stream) throw new Error("no stream opened");
    return stream;
  };
  return { conn, opened, delivered, resets, incidents, last };
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

describe("LiveConnection", () => {
  it("is live once the server confirms, and starts at the server's cursor (no history dump)", () => {
    const { conn, last } = harness();
    conn.start();
    expect(conn.status.state).toBe("reconnecting");
    expect(last().options.lastEventId).toBeUndefined();
    expect(last().options.reconnect?.maxAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(conn.historyBoundary).toBeUndefined();
    last().open("900-4");
    expect(conn.status.state).toBe("live");
    expect(conn.cursor).toBe("900-4");
    expect(conn.historyBoundary).toBe("900-4");
  });

  it("shows the stream's retry wait and drops a replay overlapping what it delivered", () => {
    const { conn, last, delivered } = harness(99);
    conn.start();
    last().open(null);
    last().batch(batch("10-1", "a", 2));
    last().down(3000);
    expect(conn.status).toMatchObject({ state: "reconnecting", failures: 1 });
    expect(conn.status.retryAt).not.toBeNull();
    last().down(4500, 2);
    expect(conn.status.failures).toBe(2);
    last().open("99-0");
    last().batch(batch("10-1", "a", 2));
    last().batch(batch("10-2", "a", 1));
    expect(delivered.map((e) => e.cursor)).toEqual(["10-1-0", "10-1-1", "10-2-0"]);
    expect(conn.status).toMatchObject({ state: "live", failures: 0, retryAt: null });
  });

  it("polls after repeated failures, then streams again from where polling stopped", () => {
    const { conn, last, delivered } = harness(2);
    conn.start();
    last().open(null);
    last().batch(batch("20-1", "a"));
    last().down();
    expect(conn.status.polling).toBe(false);
    last().down(4500, 2);
    expect(conn.status.polling).toBe(true);
    expect(conn.status.state).toBe("reconnecting");
    expect(conn.acceptPolled([polled("20-1-0", "a"), polled("20-2-0", "a"), polled("20-2-1", "a")])).toBe(2);
    expect(conn.status.state).toBe("polling");
    // The stream's next attempt resumes after what polling showed.
    expect(last().resumedFrom.at(-1)).toBe("20-2-1");
    conn.pollFailed();
    expect(conn.status.state).toBe("offline");
    conn.acceptPolled([]);
    expect(conn.status.state).toBe("polling");
    last().open("25-0");
    expect(conn.status).toMatchObject({ state: "live", polling: false });
    last().batch(batch("20-2", "a", 3));
    expect(delivered.map((e) => e.cursor)).toEqual(["20-1-0", "20-2-0", "20-2-1", "20-2-2"]);
  });

  it("hands source changes to the stream and filters unsubscribed sources", () => {
    const { conn, last, delivered } = harness();
    conn.start();
    last().open("30-0");
    conn.setSources(["a"]);
    expect(last().selections).toEqual([["a"]]);
    last().batch(batch("30-1", "b"));
    last().batch(batch("30-2", "a"));
    expect(delivered.map((e) => e.source)).toEqual(["a"]);
  });

  it("switching transport closes the old stream and resumes on the new one", () => {
    const { conn, opened, last } = harness();
    conn.start();
    last().open("40-0");
    last().batch(batch("40-1", "a"));
    conn.setTransport("websocket");
    expect(opened[0]?.closed).toBe(true);
    expect(last().options).toMatchObject({ lastEventId: "40-1", transport: "websocket" });
    expect(conn.status).toMatchObject({ transport: "websocket", state: "reconnecting" });
    // A late event from the closed stream changes nothing.
    opened[0]?.down();
    expect(conn.status.failures).toBe(0);
  });

  it("on reset restarts from the cursor the server names", () => {
    const { conn, last, resets } = harness();
    conn.start();
    last().open(null);
    last().emit("reset", { reason: "cursor too old", cursor: "50-0", previousCursor: null });
    expect(resets).toEqual(["cursor too old"]);
    expect(conn.cursor).toBe("50-0");
  });

  it("passes incidents on without moving the cursor", () => {
    const { conn, last, incidents } = harness();
    conn.start();
    last().open("55-0");
    const incident = {
      id: "i1",
      source: "a",
      kind: "silence" as const,
      state: "open" as const,
      openedAt: "",
      resolvedAt: null,
      summary: "a is silent",
      key: "",
      details: {},
      silenced: false,
      notifications: [],
    };
    last().emit("incident", { action: "opened", incident });
    expect(incidents).toEqual(["opened i1"]);
    expect(conn.cursor).toBe("55-0");
  });

  it("says offline when the browser is offline, and reconnects at once from the cursor when back", () => {
    const { conn, last, opened } = harness();
    conn.start();
    last().open("60-0");
    conn.setOnline(false);
    expect(conn.status.state).toBe("offline");
    expect(opened[0]?.closed).toBe(true);
    conn.setOnline(true);
    expect(opened).toHaveLength(2);
    expect(last().options.lastEventId).toBe("60-0");
    last().open("61-0");
    expect(conn.status.state).toBe("live");
    conn.stop();
    expect(conn.status.state).toBe("offline");
    expect(last().closed).toBe(true);
  });

  it("retry now opens a fresh stream from the cursor during the wait", () => {
    const { conn, last, opened } = harness();
    conn.start();
    last().open("70-0");
    last().down(13_500);
    conn.retryNow();
    expect(opened).toHaveLength(2);
    expect(opened[0]?.closed).toBe(true);
    expect(last().options.lastEventId).toBe("70-0");
  });
});
