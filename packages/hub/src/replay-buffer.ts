// Recent batches kept in memory so a reconnecting client resumes without touching the database.
// Bounded by a number of batches and of events, except that a batch the writer has not stored
// yet is never evicted: whatever is older than the buffer is then guaranteed to be in storage.
import {
  type Batch,
  type BatchCursor,
  compareCursors,
  type Position,
  parseCursor,
} from "@scrapewatch/protocol";
import { estimateEventsBytes } from "./event-bytes.ts";

/**
 * A kept batch costs its events plus, while clients resume through it, one encoded frame per
 * transport (about its JSON length each): counted as three times the events' estimate.
 */
const KEPT_COPIES = 3;

interface Entry {
  cursor: BatchCursor;
  batch: Batch;
  bytes: number;
}

export type ResumePlan =
  /** Everything after the cursor is in memory: these batches, oldest first. */
  | { from: "memory"; batches: Batch[] }
  /**
   * The cursor is older than the buffer: read storage for positions after the cursor and up to
   * `until` (a batch cursor, inclusive), then send `batches`.
   */
  | { from: "storage"; until: BatchCursor; batches: Batch[] };

export class ReplayBuffer {
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  /** The buffer holds every batch after this cursor (null: every batch ever published). */
  private coveredAfter: BatchCursor | null;
  private storedThrough: BatchCursor | null = null;
  private events = 0;
  private bytes = 0;

  /**
   * @param capacity batches kept once stored
   * @param coveredAfter the newest cursor published before this buffer started listening
   *   (batches up to it are in storage, not here); null when there is none
   * @param maxEvents events kept once stored, over all batches (bounds the heap when batches
   *   are large)
   * @param maxBytes estimated bytes kept once stored (bounds the heap when events are large)
   */
  constructor(
    private readonly capacity: number,
    coveredAfter: BatchCursor | null,
    private readonly maxEvents = Number.POSITIVE_INFINITY,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.coveredAfter = coveredAfter;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Estimated bytes of the batches kept. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** The newest batch cursor seen, or the start point when nothing arrived yet. */
  get newest(): BatchCursor | null {
    return this.entries[this.entries.length - 1]?.cursor ?? this.coveredAfter;
  }

  /** Adds a batch; batches arrive in strictly increasing cursor order. */
  push(batch: Batch): void {
    const cursor = parseCursor(batch.id);
    if (!cursor) throw new Error(`batch has a malformed cursor: ${batch.id}`);
    const bytes = KEPT_COPIES * estimateEventsBytes(batch.metrics);
    this.entries.push({ cursor: { ms: cursor.ms, seq: cursor.seq }, batch, bytes });
    this.events += batch.metrics.length;
    this.bytes += bytes;
    this.evict();
  }

  /** The writer has stored every batch up to and including this cursor. */
  markStored(cursor: BatchCursor): void {
    if (this.storedThrough === null || compareCursors(cursor, this.storedThrough) > 0) {
      this.storedThrough = cursor;
    }
    this.evict();
  }

  /**
   * The batches after `after` for which `wanted(source)` holds. An event cursor `m-s-i` yields
   * the rest of batch m-s (events with index > i) as a partial batch under the same id.
   */
  resume(after: Position, wanted: (source: string) => boolean): ResumePlan {
    const covered = this.coveredAfter === null || compareCursors(after, this.coveredAfter) >= 0;
    const start = covered ? this.firstAfter(after) : this.head;
    const batches: Batch[] = [];
    for (let i = start; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (!entry || !wanted(entry.batch.source)) continue;
      const batch = covered ? partialAfter(entry, after) : entry.batch;
      if (batch.metrics.length > 0) batches.push(batch);
    }
    if (covered) return { from: "memory", batches };
    return { from: "storage", until: this.coveredAfter ?? { ms: 0, seq: 0 }, batches };
  }

  private evict(): void {
    while (this.size > this.capacity || this.events > this.maxEvents || this.bytes > this.maxBytes) {
      const oldest = this.entries[this.head];
      if (!oldest || this.storedThrough === null || compareCursors(oldest.cursor, this.storedThrough) > 0) {
        break;
      }
      this.entries[this.head] = undefined;
      this.head += 1;
      this.events -= oldest.batch.metrics.length;
      this.bytes -= oldest.bytes;
      this.coveredAfter = oldest.cursor;
    }
    // Compact now and then so the array does not grow with the evicted prefix.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first entry that holds events after the position. */
  private firstAfter(after: Position): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const entry = this.entries[mid];
      // An entry holds events after `after` when its batch cursor (its last event) is later.
      if (entry && compareCursors(entry.cursor, after) > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function partialAfter(entry: Entry, after: Position): Batch {
  const { cursor, batch } = entry;
  if (after.index === undefined || cursor.ms !== after.ms || cursor.seq !== after.seq) return batch;
  const metrics = batch.metrics.slice(after.index + 1);
  return { ...batch, count: metrics.length, metrics };
}
