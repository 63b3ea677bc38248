// The streaming service behind SSE and WebSocket: every batch from the bus goes into the replay
// buffer and out through the fan-out; connections are admitted (MAX_CLIENTS), resumed (memory,
// then storage, then live without gap or duplicate), counted, and closed at shutdown.
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import type { MetricStore } from "@scrapewatch/db";
import { type BatchBus, FanOut, type FrameEncoder, ReplayBuffer } from "@scrapewatch/hub";
import {
  type Anomaly,
  type Batch,
  type BatchCursor,
  compareCursors,
  type IncidentEvent,
  formatCursor,
  type Position,
  parseCursor,
} from "@scrapewatch/protocol";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import type { Logger } from "../logger.ts";
import { replayFromStorage } from "./storage-replay.ts";
import { ClientGone, type StreamClient, type Transport } from "./stream-client.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A cursor a little ahead of the newest batch seen here may come from another instance whose
 * batch has not reached this one yet (Redis); further ahead, it is from another database.
 */
const IN_FLIGHT_MS = 5_000;

/** Counters read by /api/v1/stats and the Prometheus /metrics route. */
export interface StreamStats {
  clients: Record<Transport, number>;
  droppedSlowConsumers: number;
  /** Resumes served from memory. */
  resumeHits: number;
  /** Resumes that had to read storage first. */
  resumeMisses: number;
  /** Resumes refused with `reset` (cursor malformed or older than what is kept). */
  resumeResets: number;
  /** Resumes that had something to replay: how long the server took to send it. */
  resumeTimings: ResumeTimings;
}

/**
 * Since start, over resumes that had at least one batch to replay: milliseconds from the
 * subscription (cursor parsed, connection set up) to the first replayed batch written to the
 * socket, and to the end of the replay (every missed batch and the live backlog written).
 * A resume with nothing to replay waits for the next live batch; that wait is the batch
 * interval, not replay, and is only counted (`nothingMissed`).
 */
export interface ResumeTimings {
  replayed: number;
  nothingMissed: number;
  firstBatchMs: Percentiles;
  doneMs: Percentiles;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export interface StreamsOptions {
  env: Pick<
    Env,
    | "MAX_CLIENTS"
    | "MAX_STREAMS_PER_CLIENT"
    | "MAX_CLIENT_BUFFER_BYTES"
    | "REPLAY_BUFFER_SIZE"
    | "REPLAY_BUFFER_EVENTS"
    | "REPLAY_BUFFER_BYTES"
    | "RETENTION_DAYS"
  >;
  bus: BatchBus;
  store: MetricStore;
  logger: Logger;
  /** The newest cursor published before this instance started (its batches are in storage). */
  startAfter: BatchCursor | null;
}

export type ResumeOutcome =
  | { kind: "live" }
  | { kind: "replayed"; from: "memory" | "storage" }
  | { kind: "reset"; reason: string };

export class Streams {
  readonly fanout = new FanOut();
  readonly replayBuffer: ReplayBuffer;
  private readonly clients = new Set<StreamClient>();
  private readonly counts: Record<Transport, number> = { sse: 0, websocket: 0 };
  /** Open streams per client key (token or address). */
  private readonly perClient = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private forgottenBefore: Position | null = null;
  private closing = false;
  droppedSlowConsumers = 0;
  resumeHits = 0;
  resumeMisses = 0;
  resumeResets = 0;
  private nothingMissed = 0;
  /** Weak: a frame lives as long as its batch (in the replay buffer or a replay in progress). */
  private readonly replayFrames = new WeakMap<Batch, Map<FrameEncoder<Buffer>, Buffer>>();
  /** Microseconds (perf_hooks histograms record integers). */
  private readonly firstBatchUs: RecordableHistogram = createHistogram();
  private readonly doneUs: RecordableHistogram = createHistogram();

  constructor(private readonly options: StreamsOptions) {
    this.replayBuffer = new ReplayBuffer(
      options.env.REPLAY_BUFFER_SIZE,
      options.startAfter,
      options.env.REPLAY_BUFFER_EVENTS,
      options.env.REPLAY_BUFFER_BYTES,
    );
    this.unsubscribe = options.bus.onBatch((batch) => {
      this.replayBuffer.push(batch);
      this.fanout.publishBatch(batch);
    });
  }

  get stats(): StreamStats {
    return {
      clients: { ...this.counts },
      droppedSlowConsumers: this.droppedSlowConsumers,
      resumeHits: this.resumeHits,
      resumeMisses: this.resumeMisses,
      resumeResets: this.resumeResets,
      resumeTimings: {
        replayed: this.firstBatchUs.count,
        nothingMissed: this.nothingMissed,
        firstBatchMs: percentiles(this.firstBatchUs),
        doneMs: percentiles(this.doneUs),
      },
    };
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** The newest cursor published, for `connected` and `reset`. */
  get newestCursor(): string | null {
    const newest = this.replayBuffer.newest;
    return newest ? formatCursor(newest) : null;
  }

  /** Whether another connection may join (MAX_CLIENTS counts both transports). */
  hasRoom(): boolean {
    return !this.closing && this.clients.size < this.options.env.MAX_CLIENTS;
  }

  /** Whether the client with this key may open one more stream (MAX_STREAMS_PER_CLIENT). */
  hasRoomFor(clientKey: string): boolean {
    return (this.perClient.get(clientKey) ?? 0) < this.options.env.MAX_STREAMS_PER_CLIENT;
  }

  /** Throws 429 `too_many_streams` unless the client with this key may open one more stream. */
  assertRoomFor(clientKey: string): void {
    if (this.hasRoomFor(clientKey)) return;
    const max = this.options.env.MAX_STREAMS_PER_CLIENT;
    throw new ApiError(
      "too_many_streams",
      `at most ${max} streams per client (MAX_STREAMS_PER_CLIENT)`,
      { max },
      5,
    );
  }

  /** The writer stored every batch up to this cursor: the buffer may let go of them. */
  markStored(cursor: BatchCursor): void {
    this.replayBuffer.markStored(cursor);
  }

  /** Retention deleted raw rows up to this position: older cursors get `reset`. */
  forgetBefore(position: Position): void {
    // Never back: a later run may find its newest deleted row older than an earlier run's.
    if (this.forgottenBefore && compareCursors(position, this.forgottenBefore) <= 0) return;
    this.forgottenBefore = position;
  }

  publishAnomaly(anomaly: Anomaly): void {
    this.fanout.publishAnomaly(anomaly);
  }

  /** An incident opened or resolved: to this instance's clients subscribed to its source. */
  publishIncident(event: IncidentEvent): void {
    this.fanout.publishIncident(event);
  }

  /** Sets `onSlow` for a client's options: counts and forgets a dropped slow consumer. */
  readonly onSlow = (client: StreamClient): void => {
    this.droppedSlowConsumers += 1;
    this.options.logger.warn("slow consumer dropped", { clientId: client.id, transport: client.transport });
    this.detach(client);
  };

  logFailure(what: string, client: StreamClient, error: unknown): void {
    this.options.logger.error(what, { clientId: client.id, transport: client.transport, err: error });
  }

  attach(client: StreamClient): void {
    this.clients.add(client);
    this.counts[client.transport] += 1;
    this.perClient.set(client.clientKey, (this.perClient.get(client.clientKey) ?? 0) + 1);
  }

  detach(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    this.counts[client.transport] -= 1;
    const left = (this.perClient.get(client.clientKey) ?? 1) - 1;
    if (left > 0) this.perClient.set(client.clientKey, left);
    else this.perClient.delete(client.clientKey);
    this.fanout.remove(client);
  }

  /**
   * Subscribes the client to its current sources, resuming after `lastEventId` when given.
   * `sendReset` tells the client its cursor cannot be honoured (it then streams live).
   */
  async subscribe(
    client: StreamClient,
    lastEventId: string | undefined,
    sendReset: (reason: string, cursor: string | null) => void,
  ): Promise<ResumeOutcome> {
    if (lastEventId === undefined || lastEventId === "") {
      this.fanout.add(client);
      return { kind: "live" };
    }
    const position = parseCursor(lastEventId);
    const refusal = position ? this.refusal(position) : "malformed_cursor";
    if (!position || refusal) {
      this.resumeResets += 1;
      const reason = refusal ?? "malformed_cursor";
      client.beginReplay(this.replayBuffer.newest);
      this.fanout.add(client);
      sendReset(reason, this.newestCursor);
      client.endReplay();
      return { kind: "reset", reason };
    }
    // Joining the fan-out and planning the replay happen in the same tick: every batch is
    // either in the plan or arrives live afterwards (held back until the replay is done).
    const started = performance.now();
    client.beginReplay(position);
    this.fanout.add(client);
    const plan = this.replayBuffer.resume(position, (source) => client.wants(source));
    let sent = 0;
    const send = (batch: Batch): Promise<void> => {
      // replay() writes before its first await, so the clock is read after the write.
      const written = client.replay(batch, this.replayFrame(batch, client.encoder));
      if (sent++ === 0) this.firstBatchUs.record(elapsedUs(started));
      return written;
    };
    try {
      if (plan.from === "storage") {
        this.resumeMisses += 1;
        await replayFromStorage(this.options.store, client, position, plan.until, send);
      } else this.resumeHits += 1;
      for (const batch of plan.batches) await send(batch);
      client.endReplay();
      if (sent > 0) this.doneUs.record(elapsedUs(started));
      else this.nothingMissed += 1;
    } catch (error) {
      if (!(error instanceof ClientGone)) {
        this.options.logger.error("resume failed", { clientId: client.id, err: error });
        client.end();
      }
    }
    return { kind: "replayed", from: plan.from };
  }

  /**
   * A replayed batch's frame, encoded once per transport and kept while the batch is: under
   * churn many clients resume over the same recent batches, and encoding each one again for
   * every client was most of the server's CPU (JSON.stringify of the whole batch).
   */
  private replayFrame(batch: Batch, encoder: FrameEncoder<Buffer>): Buffer {
    let frames = this.replayFrames.get(batch);
    if (!frames) {
      frames = new Map();
      this.replayFrames.set(batch, frames);
    }
    let frame = frames.get(encoder);
    if (!frame) {
      frame = encoder.batch(batch);
      frames.set(encoder, frame);
    }
    return frame;
  }

  /** Closes every connection after what is already written (shutdown). */
  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    for (const client of [...this.clients]) {
      client.end();
      this.detach(client);
    }
  }

  /** Clients of one transport (heartbeats). */
  *each(transport: Transport): Generator<StreamClient> {
    for (const client of this.clients) if (client.transport === transport) yield client;
  }

  private refusal(position: Position): string | null {
    const now = Date.now();
    const newest = this.replayBuffer.newest;
    const ahead = newest === null || compareCursors(position, newest) > 0;
    if (ahead && (position.ms > now + IN_FLIGHT_MS || position.ms < now - IN_FLIGHT_MS)) {
      return "cursor_ahead";
    }
    const oldestKeptMs = now - this.options.env.RETENTION_DAYS * DAY_MS;
    if (position.ms < oldestKeptMs) return "cursor_expired";
    const forgotten = this.forgottenBefore;
    if (
      forgotten &&
      (position.ms < forgotten.ms || (position.ms === forgotten.ms && position.seq < forgotten.seq))
    ) {
      return "cursor_expired";
    }
    return null;
  }
}

function elapsedUs(since: number): number {
  return Math.max(1, Math.round((performance.now() - since) * 1000));
}

function percentiles(histogram: RecordableHistogram): Percentiles {
  if (histogram.count === 0) return { p50: 0, p99: 0, max: 0 };
  const ms = (us: number) => Math.round(us) / 1000;
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
}
