// The page's live link: the SDK's MetricsStream does the streaming (SSE or WebSocket, backoff,
// resume); this adds what is the dashboard's own: a polling mode (driven from outside, by
// react-query) while streaming is down, the badge's state, and one CursorGate that every path
// goes through, so no event is shown twice or skipped when the page switches between them.
import {
  type IncidentEvent,
  MetricsStream,
  type MetricsStreamEvents,
  type MetricsStreamOptions,
} from "@scrapewatch/client";
import type { Anomaly, Reset } from "@scrapewatch/protocol";
import { CursorGate } from "./cursor-gate.ts";
import type { LinkState, LiveEvent, SourceSelection, TransportKind } from "./types.ts";

export interface LiveSink {
  events(events: LiveEvent[]): void;
  anomaly(anomaly: Anomaly): void;
  incident(event: IncidentEvent): void;
  /** The server could not resume us: reload through REST. */
  reset(reset: Reset): void;
}

export interface LinkStatus {
  state: LinkState;
  transport: TransportKind;
  /** Consecutive failed attempts to stream. */
  failures: number;
  /** When the next reconnect attempt is due (epoch ms), if one is scheduled. */
  retryAt: number | null;
  /** Whether REST polling should run now. */
  polling: boolean;
  cursor: string | null;
}

/** What the connection uses of a MetricsStream (tests script one). */
export interface LiveStream {
  on<E extends keyof MetricsStreamEvents>(event: E, listener: MetricsStreamEvents[E]): unknown;
  connect(): Promise<void>;
  close(): void;
  setSources(sources: readonly string[] | null): void;
  resumeFrom(cursor: string): void;
}

export interface LiveConnectionOptions {
  origin: string;
  transport?: TransportKind;
  sources?: SourceSelection;
  token?: string | null;
  /** Failed attempts in a row before polling starts (the first drop may be a blip). */
  pollAfterFailures?: number;
  now?: () => number;
  openStream?: (options: MetricsStreamOptions) => LiveStream;
}

export class LiveConnection {
  private readonly gate = new CursorGate();
  private readonly listeners = new Set<() => void>();
  private stream: LiveStream | null = null;
  private kind: TransportKind;
  private sources: SourceSelection;
  private token: string | null;
  private failures = 0;
  private retryAt: number | null = null;
  private state: LinkState = "offline";
  private pollOk: boolean | null = null;
  private online = true;
  private running = false;
  /** The stream is open and the server has confirmed it. */
  private streaming = false;
  private snapshot: LinkStatus;
  /** Where polling starts when nothing was delivered yet: now, never the whole history. */
  readonly startedAt: number;
  private firstCursor: string | null | undefined = undefined;

  constructor(
    private readonly options: LiveConnectionOptions,
    private readonly sink: LiveSink,
  ) {
    this.kind = options.transport ?? "sse";
    this.sources = options.sources ?? null;
    this.token = options.token ?? null;
    this.startedAt = this.now();
    this.snapshot = this.makeSnapshot();
  }

  get status(): LinkStatus {
    return this.snapshot;
  }

  get cursor(): string | null {
    return this.gate.cursor;
  }

  /**
   * The cursor live delivery started after: events at or before it are history the page may
   * load through REST without ever seeing them twice. `null`: the server had delivered nothing
   * yet (so there is no history); `undefined`: not known (the first data came by polling).
   */
  get historyBoundary(): string | null | undefined {
    return this.firstCursor;
  }

  get selection(): SourceSelection {
    return this.sources;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.openStream();
  }

  stop(): void {
    this.running = false;
    this.closeStream();
    this.setState("offline");
  }

  setTransport(kind: TransportKind): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.restart();
  }

  setToken(token: string | null): void {
    this.token = token;
    this.restart();
  }

  setSources(sources: SourceSelection): void {
    this.sources = sources;
    this.stream?.setSources(sources);
    this.notify();
  }

  /**
   * The browser's network went away or came back. A stream open across a network change may be a
   * zombie, so going offline drops it and coming back reconnects at once, from the cursor.
   */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!online) this.closeStream();
    this.recomputeState();
    if (online && this.running) this.openStream();
  }

  /** Skips the remaining backoff wait: a fresh attempt from the cursor now. */
  retryNow(): void {
    if (this.running && this.online && !this.streaming) this.openStream();
  }

  wants(source: string): boolean {
    return this.sources === null || this.sources.includes(source);
  }

  /** Hands over a REST page read after `cursor`; returns how many events were new. */
  acceptPolled(items: readonly LiveEvent[]): number {
    const fresh = this.gate.acceptItems(items, (s) => this.wants(s));
    if (fresh.length > 0) this.sink.events(fresh);
    // The stream's next attempt resumes from here rather than replaying what polling showed.
    const cursor = this.gate.cursor;
    if (cursor !== null) this.stream?.resumeFrom(cursor);
    this.pollOk = true;
    this.recomputeState();
    return fresh.length;
  }

  pollFailed(): void {
    this.pollOk = false;
    this.recomputeState();
  }

  private restart(): void {
    if (!this.running) return;
    this.closeStream();
    this.failures = 0;
    this.openStream();
  }

  private openStream(): void {
    this.closeStream();
    if (!this.online) return;
    const open = this.options.openStream ?? ((options) => new MetricsStream(options));
    const stream = open({
      baseUrl: this.options.origin,
      transport: this.kind,
      ...(this.sources ? { sources: [...this.sources] } : {}),
      ...(this.token ? { token: this.token } : {}),
      ...(this.gate.cursor ? { lastEventId: this.gate.cursor } : {}),
      // Polling covers a long outage; the stream keeps trying underneath for as long as it takes.
      reconnect: { maxAttempts: Number.POSITIVE_INFINITY },
    });
    this.stream = stream;
    const current = () => this.stream === stream;
    stream.on("connect", (info) => current() && this.onOpen(info.cursor));
    stream.on("metrics", (batch) => {
      if (!current()) return;
      const fresh = this.gate.acceptBatch(batch, (s) => this.wants(s));
      if (fresh.length > 0) this.sink.events(fresh);
    });
    stream.on("anomaly", (anomaly) => current() && this.sink.anomaly(anomaly));
    stream.on("incident", (event) => current() && this.sink.incident(event));
    stream.on("reset", (reset) => {
      if (!current()) return;
      this.gate.resetTo(reset.cursor);
      this.sink.reset(reset);
    });
    stream.on("status", (status) => {
      if (!current()) return;
      if (status.state === "reconnecting") {
        if (status.retryInMs !== null) this.onDown(status.retryInMs);
        else if (this.retryAt !== null) {
          this.retryAt = null; // the next attempt is under way
          this.notify();
        }
      } else if (status.state === "closed") {
        // Refused for good (a bad token): polling takes over and asks for one.
        this.onDown(null);
        this.failures = Math.max(this.failures, this.pollAfterFailures());
        this.recomputeState();
      }
    });
    // Failures are reported through `status`; a rejected first connect needs no handling here.
    stream.connect().catch(() => {});
    this.recomputeState();
  }

  private closeStream(): void {
    const stream = this.stream;
    this.stream = null;
    this.streaming = false;
    this.retryAt = null;
    stream?.close();
  }

  private onOpen(cursor: string | null): void {
    // Only a fresh client starts at the server's newest cursor; a resuming one keeps its own.
    if (this.gate.cursor === null) {
      this.gate.advanceTo(cursor);
      if (this.firstCursor === undefined) this.firstCursor = cursor;
    }
    this.failures = 0;
    this.retryAt = null;
    this.pollOk = null;
    this.streaming = true;
    this.recomputeState();
  }

  private onDown(retryInMs: number | null): void {
    this.streaming = false;
    this.failures += 1;
    this.retryAt = retryInMs === null ? null : this.now() + retryInMs;
    this.recomputeState();
  }

  private recomputeState(): void {
    this.setState(this.deriveState());
  }

  private deriveState(): LinkState {
    if (!this.running || !this.online) return "offline";
    if (this.streaming) return "live";
    if (!this.shouldPoll() || this.pollOk === null) return "reconnecting";
    return this.pollOk ? "polling" : "offline";
  }

  private pollAfterFailures(): number {
    return this.options.pollAfterFailures ?? 2;
  }

  private shouldPoll(): boolean {
    return this.running && this.failures >= this.pollAfterFailures();
  }

  private setState(state: LinkState): void {
    this.state = state;
    this.notify();
  }

  private notify(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }

  private makeSnapshot(): LinkStatus {
    return {
      state: this.state,
      transport: this.kind,
      failures: this.failures,
      retryAt: this.retryAt,
      polling: this.shouldPoll() && !this.streaming,
      cursor: this.gate.cursor,
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
