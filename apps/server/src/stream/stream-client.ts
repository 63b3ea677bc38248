// One streaming connection, whatever its transport: its subscription, its position in the
// cursor space, and the slow-consumer policy. While a resume replays older batches, live
// batches wait in a bounded backlog and are sent afterwards, skipping any already replayed.
import { randomUUID } from "node:crypto";
import type { FrameEncoder, Subscriber } from "@scrapewatch/hub";
import {
  type Anomaly,
  type Batch,
  compareCursors,
  type IncidentEvent,
  formatCursor,
  type Position,
  parseCursor,
} from "@scrapewatch/protocol";

export type Transport = "sse" | "websocket";

export interface StreamClientOptions {
  /** Bytes a connection may have waiting to be sent; past it the connection is dropped. */
  maxBufferBytes: number;
  /** Called once when the connection is dropped for not reading. */
  onSlow(client: StreamClient): void;
  /** A replay not taken within this is dropped as slow (SLOW_CLIENT_TIMEOUT_MS). */
  replayTimeoutMs?: number;
}

export class ClientGone extends Error {}

export abstract class StreamClient implements Subscriber<Buffer> {
  abstract readonly transport: Transport;
  readonly id = randomUUID();
  readonly connectedAt = new Date();
  /** null: every source. */
  sources: Set<string> | null = null;
  /** The newest position sent on this connection since its last resume. */
  lastCursor: Position | null = null;
  /** Events sent. */
  delivered = 0;
  /** Whose streams this one counts with (MAX_STREAMS_PER_CLIENT): a token or an address. */
  clientKey = "";
  closed = false;
  private backlog: { batch: Batch; frame: Buffer }[] | null = null;
  private backlogBytes = 0;
  /** When the replay in progress must have been taken by (Date.now() milliseconds). */
  private replayDeadline = Number.POSITIVE_INFINITY;

  constructor(
    readonly encoder: FrameEncoder<Buffer>,
    private readonly options: StreamClientOptions,
  ) {}

  /** Bytes written but not yet taken by the peer's socket. */
  protected abstract get buffered(): number;
  protected abstract write(frame: Buffer): void;
  /** Resolves once the buffer has drained; rejects with ClientGone when the connection ends. */
  protected abstract drained(): Promise<void>;
  /** Destroys the connection now (slow consumer). */
  protected abstract terminate(): void;
  /** Ends the connection politely after what is written (shutdown). */
  abstract end(): void;

  get cursor(): string | null {
    return this.lastCursor ? formatCursor(this.lastCursor) : null;
  }

  wants(source: string): boolean {
    return this.sources === null || this.sources.has(source);
  }

  deliverBatch(batch: Batch, frame: Buffer): void {
    if (this.closed) return;
    if (this.backlog) {
      this.backlog.push({ batch, frame });
      this.backlogBytes += frame.length;
      if (this.backlogBytes > this.options.maxBufferBytes) this.dropAsSlow();
      return;
    }
    this.sendBatch(batch, frame);
  }

  deliverAnomaly(_anomaly: Anomaly, frame: Buffer): void {
    if (this.closed) return;
    this.writeChecked(frame);
  }

  deliverIncident(_event: IncidentEvent, frame: Buffer): void {
    if (this.closed) return;
    this.writeChecked(frame);
  }

  /** Writes a frame that is not a batch (heartbeat, control message), with the same policy. */
  writeChecked(frame: Buffer): void {
    if (this.closed) return;
    this.write(frame);
    if (this.buffered > this.options.maxBufferBytes) this.dropAsSlow();
  }

  /** From here until endReplay, live batches are held back. */
  beginReplay(from: Position | null): void {
    this.backlog ??= [];
    this.lastCursor = from;
    this.replayDeadline = Date.now() + (this.options.replayTimeoutMs ?? Number.POSITIVE_INFINITY);
  }

  /**
   * Sends one replayed batch, waiting for the peer when its buffer fills. `frame`: the batch
   * already encoded by this client's encoder (shared by the clients resuming through it).
   */
  async replay(batch: Batch, frame: Buffer = this.encoder.batch(batch)): Promise<void> {
    if (this.closed) throw new ClientGone();
    this.sendBatch(batch, frame);
    if (this.closed) throw new ClientGone();
    if (this.buffered > this.options.maxBufferBytes / 2) await this.drainedBeforeDeadline();
  }

  /**
   * Waits for the peer to take what is buffered, but not past the replay's deadline: a client
   * that stalls mid-replay would otherwise hold its storage page and its slot for good.
   */
  private async drainedBeforeDeadline(): Promise<void> {
    const left = this.replayDeadline - Date.now();
    if (left === Number.POSITIVE_INFINITY) return this.drained();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), Math.max(0, left));
    });
    try {
      const outcome = await Promise.race([this.drained(), expired]);
      if (outcome === "expired") {
        this.dropAsSlow();
        throw new ClientGone();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends what arrived live during the replay, skipping what the replay already sent. */
  endReplay(): void {
    const backlog = this.backlog ?? [];
    this.backlog = null;
    this.backlogBytes = 0;
    this.replayDeadline = Number.POSITIVE_INFINITY;
    for (const { batch, frame } of backlog) {
      if (this.closed) return;
      this.sendBatch(batch, frame);
    }
  }

  private sendBatch(batch: Batch, frame: Buffer): void {
    const cursor = cursorOf(batch);
    if (cursor && this.lastCursor && compareCursors(cursor, this.lastCursor) <= 0) return;
    this.write(frame);
    // The parsed cursor is shared by every client of the broadcast (never mutated): no
    // allocation per delivery.
    if (cursor) this.lastCursor = cursor;
    this.delivered += batch.count;
    if (this.buffered > this.options.maxBufferBytes) this.dropAsSlow();
  }

  private dropAsSlow(): void {
    if (this.closed) return;
    this.closed = true;
    this.backlog = null;
    this.options.onSlow(this);
    this.terminate();
  }
}

// A broadcast hands the same batch to every client in turn: parse its cursor once, not per client.
let cachedBatch: Batch | null = null;
let cachedCursor: Position | null = null;

function cursorOf(batch: Batch): Position | null {
  if (batch !== cachedBatch) {
    cachedBatch = batch;
    cachedCursor = parseCursor(batch.id);
  }
  return cachedCursor;
}
