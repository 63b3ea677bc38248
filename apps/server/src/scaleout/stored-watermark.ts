// Which delivered batches are in storage, when several instances write their own batches. The
// replay buffer may let go of a batch only once it is stored (older cursors are replayed from the
// database); a batch from another instance is stored when *that* instance says so, which this
// instance learns from the "stored through" watermarks the instances publish on the stream.
//
// Batches are recorded in delivery order (the replay buffer's order); the watermark is the cursor
// of the newest batch such that it and every batch delivered before it are stored.
import { type BatchCursor, compareCursors } from "@scrapewatch/protocol";

interface Delivered {
  cursor: BatchCursor;
  origin: string;
  /** The position its origin stores it under (a batch re-appended after an outage keeps its local cursor). */
  storedAs: BatchCursor;
  at: number;
}

export class StoredWatermark {
  private queue: (Delivered | undefined)[] = [];
  private head = 0;
  private readonly stored = new Map<string, BatchCursor>();
  /** Per origin, the storage position of its newest delivered batch. */
  private readonly newest = new Map<string, BatchCursor>();

  constructor(
    private readonly onAdvance: (through: BatchCursor) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Batches delivered and not yet known to be stored. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** The oldest batch still waiting: whose it is and since when. */
  get oldestWaiting(): { origin: string; since: number } | null {
    const front = this.queue[this.head];
    return front ? { origin: front.origin, since: front.at } : null;
  }

  /** A batch was delivered to this instance's listeners (call in delivery order). */
  delivered(cursor: BatchCursor, origin: string, storedAs: BatchCursor = cursor): void {
    this.queue.push({ cursor, origin, storedAs, at: this.now() });
    const known = this.newest.get(origin);
    if (!known || compareCursors(storedAs, known) > 0) this.newest.set(origin, storedAs);
    this.advance();
  }

  /** `origin` has stored every batch of its own up to and including `through`. */
  storedBy(origin: string, through: BatchCursor): void {
    const known = this.stored.get(origin);
    if (!known || compareCursors(through, known) > 0) this.stored.set(origin, through);
    this.advance();
  }

  /**
   * `origin` stopped announcing itself: what it delivered and did not store is as stored as it
   * will get, so those batches stop holding the buffer. Should it come back (Redis was away from
   * it), its later batches are waited for as usual.
   */
  originGone(origin: string): void {
    const newest = this.newest.get(origin);
    if (newest) this.storedBy(origin, newest);
  }

  private isStored(entry: Delivered): boolean {
    const through = this.stored.get(entry.origin);
    return through !== undefined && compareCursors(entry.storedAs, through) <= 0;
  }

  private advance(): void {
    let through: BatchCursor | null = null;
    for (let front = this.queue[this.head]; front && this.isStored(front); front = this.queue[this.head]) {
      through = front.cursor;
      this.queue[this.head] = undefined;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (through) this.onAdvance(through);
  }
}
