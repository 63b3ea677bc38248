// MetricsStream: live batches over SSE or WebSocket, reconnecting with backoff (3 s × 1.5 up to
// 13.5 s), resuming from the last cursor so nothing is missed or seen twice, and noticing a
// silent link (no data or heartbeat for 60 s). Once closed it holds no timer or socket.
import { unref } from "../backoff.ts";
import type { Anomaly, Batch, Connected, IncidentEvent, Reset } from "../types.ts";
import { compareCursors, isCursor } from "./cursor.ts";
import { StreamEmitter } from "./emitter.ts";
import { resubscribeMessages, subscribeMessage } from "./subscriptions.ts";
import { connectSse } from "./sse-transport.ts";
import type {
  MetricsStreamEvents,
  MetricsStreamOptions,
  ReconnectPolicy,
  StreamState,
  StreamStatus,
} from "./stream-types.ts";
import type { StreamMessageName, Transport, TransportEnd, TransportFactory } from "./transport.ts";
import { connectWebSocket } from "./ws-transport.ts";

const RECONNECT_DEFAULTS: ReconnectPolicy = {
  initialDelayMs: 3000,
  factor: 1.5,
  maxDelayMs: 13_500,
  maxAttempts: 10,
};

export class MetricsStream {
  private readonly events = new StreamEmitter();
  private readonly policy: ReconnectPolicy;
  private readonly heartbeatTimeoutMs: number;
  private readonly factory: TransportFactory;
  private sources: Set<string> | null;
  private cursor: string | null;
  private transport: Transport | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private failures = 0;
  private connections = 0;
  private current: StreamState = "idle";
  private retryInMs: number | null = null;
  /** connect() was called: changes of sources (re)open the connection. */
  private started = false;
  private firstConnect: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(private readonly options: MetricsStreamOptions) {
    this.policy = { ...RECONNECT_DEFAULTS, ...options.reconnect };
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 60_000;
    this.factory = (options.transport ?? "sse") === "websocket" ? connectWebSocket : connectSse;
    this.sources = options.sources ? new Set(options.sources) : null;
    if (options.lastEventId !== undefined && !isCursor(options.lastEventId)) {
      throw new TypeError(`lastEventId ${JSON.stringify(options.lastEventId)} is not a cursor`);
    }
    this.cursor = options.lastEventId ?? null;
  }

  get state(): StreamState {
    return this.current;
  }

  /** The cursor of the last batch delivered: pass it on to resume elsewhere (REST `after=`). */
  get lastEventId(): string | null {
    return this.cursor;
  }

  /** The state with the failure count and the next retry's wait (also emitted as `status`). */
  get status(): StreamStatus {
    return {
      state: this.current,
      transport: this.options.transport ?? "sse",
      failures: this.failures,
      retryInMs: this.retryInMs,
    };
  }

  get subscribedSources(): string[] | null {
    return this.sources ? [...this.sources] : null;
  }

  on<E extends keyof MetricsStreamEvents>(event: E, listener: MetricsStreamEvents[E]): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends keyof MetricsStreamEvents>(event: E, listener: MetricsStreamEvents[E]): this {
    this.events.off(event, listener);
    return this;
  }

  /**
   * Moves the resume position forward (never back): another path (a REST read) has delivered up
   * to `cursor`, so a reconnection need not replay it.
   */
  resumeFrom(cursor: string): void {
    if (!isCursor(cursor)) throw new TypeError(`${JSON.stringify(cursor)} is not a cursor`);
    if (this.cursor === null || compareCursors(cursor, this.cursor) > 0) this.cursor = cursor;
  }

  /** Opens the stream; resolves once the server has said `connected`, rejects if it gives up first. */
  connect(): Promise<void> {
    if (this.current === "closed") return Promise.reject(new Error("the stream is closed"));
    if (this.current === "open") return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => {
      const previous = this.firstConnect;
      this.firstConnect = {
        resolve: () => {
          previous?.resolve();
          resolve();
        },
        reject: (error) => {
          previous?.reject(error);
          reject(error);
        },
      };
    });
    if (!this.started) {
      this.started = true;
      this.open();
    }
    return promise;
  }

  /** Adds sources. Over WebSocket a subscribe message; over SSE a resumed reconnection. */
  subscribe(sources: string[]): void {
    if (this.sources === null) return; // already following every source
    for (const source of sources) this.sources.add(source);
    this.transport?.send ? this.transport.send(subscribeMessage(sources, this.cursor)) : this.reopen();
  }

  /** Follows exactly these sources (null: every source), whatever was followed before. */
  setSources(sources: readonly string[] | null): void {
    const previous = this.sources;
    this.sources = sources === null ? null : new Set(sources);
    const transport = this.transport;
    if (!transport?.send) {
      this.reopen();
      return;
    }
    for (const message of resubscribeMessages(previous, sources, this.cursor)) transport.send?.(message);
  }

  /** Removes sources (none given: all of them). */
  unsubscribe(sources?: string[]): void {
    if (sources === undefined || this.sources === null) {
      if (sources !== undefined) {
        this.events.emit("error", new Error("cannot unsubscribe single sources from an all-sources stream"));
        return;
      }
      this.sources = new Set();
    } else {
      for (const source of sources) this.sources.delete(source);
    }
    this.transport?.send ? this.transport.send({ type: "unsubscribe", sources }) : this.reopen();
  }

  /** Ends the stream for good: no reconnection, no timers, no sockets. */
  close(): void {
    if (this.current === "closed") return;
    const wasOpen = this.current === "open";
    this.setState("closed");
    this.clearTimers();
    this.transport?.close();
    this.transport = null;
    this.firstConnect?.reject(new Error("the stream was closed before it connected"));
    this.firstConnect = null;
    if (wasOpen) this.events.emit("disconnect", { reason: "closed by the client", willReconnect: false });
  }

  private open(): void {
    this.clearTimers();
    if (this.sources !== null && this.sources.size === 0) {
      this.setState("idle"); // nothing to follow until subscribe()
      return;
    }
    this.setState(this.connections === 0 && this.failures === 0 ? "connecting" : "reconnecting");
    const request = {
      baseUrl: this.options.baseUrl,
      sources: this.sources ? [...this.sources] : null,
      lastEventId: this.cursor,
      token: this.options.token,
    };
    const transport: Transport = this.factory(request, {
      message: (name, data) => {
        if (this.transport === transport) this.onMessage(name, data);
      },
      activity: () => {
        if (this.transport === transport) this.armHeartbeat();
      },
      end: (end) => {
        if (this.transport === transport) this.onEnd(end);
      },
      other: (type, data) => {
        if (type === "error" && this.transport === transport) {
          const { message } = data as { message?: string };
          this.events.emit("error", new Error(`server: ${message ?? "error"}`));
        }
      },
    });
    this.transport = transport;
    this.armHeartbeat();
    if (transport.send) {
      // Browsers hide WebSocket ping frames: ask for a pong now and then so silence means death.
      this.pingTimer = setInterval(
        () => transport.send?.({ type: "ping" }),
        Math.max(10, this.heartbeatTimeoutMs / 3),
      );
      unref(this.pingTimer);
    }
  }

  private reopen(): void {
    if (this.current === "closed" || !this.started) return;
    this.transport?.close();
    this.transport = null;
    this.open();
  }

  private onMessage(name: StreamMessageName, data: unknown): void {
    if (name === "connected") {
      const connected = data as Connected;
      this.failures = 0;
      this.setState("open");
      // With no position yet, take the server's: a reconnect then resumes from here.
      if (this.cursor === null && typeof connected.cursor === "string" && isCursor(connected.cursor)) {
        this.cursor = connected.cursor;
      }
      this.events.emit("connect", {
        ...connected,
        transport: this.options.transport ?? "sse",
        reconnects: this.connections++,
      });
      this.firstConnect?.resolve();
      this.firstConnect = null;
    } else if (name === "metrics") {
      const batch = data as Batch;
      if (typeof batch.id === "string" && this.cursor !== null && compareCursors(batch.id, this.cursor) <= 0)
        return;
      if (typeof batch.id === "string") this.cursor = batch.id;
      this.events.emit("metrics", batch);
    } else if (name === "anomaly") {
      this.events.emit("anomaly", data as Anomaly);
    } else if (name === "incident") {
      this.events.emit("incident", data as IncidentEvent);
    } else {
      const reset = data as Reset;
      const previousCursor = this.cursor;
      if (typeof reset.cursor === "string") this.cursor = reset.cursor;
      this.events.emit("reset", { ...reset, previousCursor });
    }
  }

  private onEnd(end: TransportEnd): void {
    this.transport = null;
    this.clearTimers();
    if (this.current === "closed") return;
    const wasOpen = this.current === "open";
    this.failures++;
    const giveUp = end.fatal || this.failures > this.policy.maxAttempts;
    if (giveUp) {
      const error = new Error(
        end.fatal
          ? `stream refused: ${end.reason}`
          : `gave up after ${this.policy.maxAttempts} attempts: ${end.reason}`,
      );
      this.setState("closed");
      this.events.emit("error", error);
      this.events.emit("disconnect", { reason: end.reason, willReconnect: false });
      this.firstConnect?.reject(error);
      this.firstConnect = null;
      return;
    }
    const backoff = Math.min(
      this.policy.maxDelayMs,
      this.policy.initialDelayMs * this.policy.factor ** (this.failures - 1),
    );
    const delay = Math.max(backoff, end.retryAfterMs ?? 0);
    this.retryInMs = delay;
    this.setState("reconnecting");
    if (wasOpen || this.failures === 1)
      this.events.emit("disconnect", { reason: end.reason, willReconnect: true, retryInMs: delay });
    // Ref'd on purpose: a script following a stream must stay alive while the server restarts.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryInMs = null;
      this.open();
    }, delay);
  }

  private armHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const transport = this.transport;
    if (transport?.hidesHeartbeats) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      if (!transport || this.transport !== transport) return;
      transport.close();
      this.onEnd({ reason: `no data or heartbeat for ${this.heartbeatTimeoutMs} ms`, fatal: false });
    }, this.heartbeatTimeoutMs);
    // The socket keeps the process alive, not this watchdog.
    unref(this.heartbeatTimer);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.pingTimer = null;
  }

  private setState(state: StreamState): void {
    if (state !== "reconnecting") this.retryInMs = null;
    this.current = state;
    this.events.emit("status", this.status);
  }
}
