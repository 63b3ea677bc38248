// The live link to the server: one streaming transport at a time, reconnect with backoff from
// the last cursor, and a polling mode (driven from outside, by react-query) while streaming is
// down. Every path goes through one CursorGate, so no event is shown twice or skipped.
import type { Anomaly, Batch, Reset } from "@scrapewatch/protocol";
import { backoffDelay } from "./backoff.ts";
import { CursorGate } from "./cursor-gate.ts";
import type { OpenTransport, Transport } from "./transport.ts";
import type { LinkState, LiveEvent, SourceSelection, TransportKind } from "./types.ts";

export interface LiveSink {
  events(events: LiveEvent[]): void;
  anomaly(anomaly: Anomaly): void;
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

export interface LiveConnectionOptions {
  origin: string;
  transports: Record<TransportKind, OpenTransport>;
  transport?: TransportKind;
  sources?: SourceSelection;
  token?: string | null;
  /** Failed attempts in a row before polling starts (the first drop may be a blip). */
  pollAfterFailures?: number;
  now?: () => number;
}

export class LiveConnection {
  private readonly gate = new CursorGate();
  private readonly listeners = new Set<() => void>();
  private transport: Transport | null = null;
  private kind: TransportKind;
  private sources: SourceSelection;
  private token: string | null;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryAt: number | null = null;
  private state: LinkState = "offline";
  private pollOk: boolean | null = null;
  private online = true;
  private running = false;
  /** A transport is open and the server has confirmed the stream. */
  private streaming = false;
  private snapshot: LinkStatus;
  /** Where polling starts when nothing was delivered yet: now, never the whole history. */
  readonly startedAt: number;

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
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimer();
    this.transport?.close();
    this.transport = null;
    this.streaming = false;
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
    // Also while a transport is still connecting: it must not open on the old selection.
    this.transport?.resubscribe(sources, this.gate.cursor);
    this.notify();
  }

  /**
   * The browser's network went away or came back. A stream open across a network change may be a
   * zombie, so going offline drops it and coming back reconnects at once, from the cursor.
   */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!online) {
      this.clearTimer();
      this.transport?.close();
      this.transport = null;
      this.streaming = false;
    }
    this.recomputeState();
    if (online) this.retryNow();
  }

  /** Skips the remaining backoff wait. */
  retryNow(): void {
    if (!this.running || this.transport) return;
    this.clearTimer();
    this.connect();
  }

  wants(source: string): boolean {
    return this.sources === null || this.sources.includes(source);
  }

  /** Hands over a REST page read after `cursor`; returns how many events were new. */
  acceptPolled(items: readonly LiveEvent[]): number {
    const fresh = this.gate.acceptItems(items, (s) => this.wants(s));
    if (fresh.length > 0) this.sink.events(fresh);
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
    this.transport?.close();
    this.transport = null;
    this.clearTimer();
    this.failures = 0;
    this.connect();
  }

  private connect(): void {
    this.retryAt = null;
    this.streaming = false;
    const open = this.options.transports[this.kind];
    // The transport may call back synchronously; each callback checks it is still the current one.
    let self: Transport | null = null;
    const isCurrent = () => self !== null && this.transport === self;
    self = open(
      {
        origin: this.options.origin,
        sources: this.sources,
        lastEventId: this.gate.cursor,
        token: this.token,
      },
      {
        open: (cursor) => isCurrent() && this.onOpen(cursor),
        batch: (batch) => isCurrent() && this.onBatch(batch),
        anomaly: (anomaly) => isCurrent() && this.sink.anomaly(anomaly),
        reset: (reset) => isCurrent() && this.onReset(reset),
        down: () => isCurrent() && this.onDown(),
      },
    );
    this.transport = self;
    this.recomputeState();
  }

  private onOpen(cursor: string | null): void {
    // Only a fresh client starts at the server's newest cursor; a resuming one keeps its own.
    if (this.gate.cursor === null) this.gate.advanceTo(cursor);
    this.failures = 0;
    this.pollOk = null;
    this.streaming = true;
    this.recomputeState();
  }

  private onBatch(batch: Batch): void {
    const fresh = this.gate.acceptBatch(batch, (s) => this.wants(s));
    if (fresh.length > 0) this.sink.events(fresh);
  }

  private onReset(reset: Reset): void {
    this.gate.resetTo(reset.cursor);
    this.sink.reset(reset);
  }

  private onDown(): void {
    this.transport?.close();
    this.transport = null;
    this.streaming = false;
    this.failures += 1;
    if (this.running) {
      const delay = backoffDelay(this.failures);
      this.retryAt = this.now() + delay;
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.running && !this.transport) this.connect();
      }, delay);
    }
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

  private shouldPoll(): boolean {
    return this.running && this.failures >= (this.options.pollAfterFailures ?? 2);
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

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.retryAt = null;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
