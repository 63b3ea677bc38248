// Hands out batch cursors `<ms>-<seq>` that strictly increase, even when the wall clock steps
// back (NTP) or many batches are sealed in one millisecond.
import type { BatchCursor } from "@scrapewatch/protocol";

export class CursorClock {
  private last: BatchCursor;

  constructor(
    start: BatchCursor = { ms: 0, seq: 0 },
    private readonly now: () => number = Date.now,
  ) {
    this.last = start;
  }

  /** The newest cursor handed out or observed. */
  get current(): BatchCursor {
    return this.last;
  }

  next(): BatchCursor {
    const ms = this.now();
    this.last = ms > this.last.ms ? { ms, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    return this.last;
  }

  /** Never hand out a cursor at or below one already used (e.g. the newest stored at start-up). */
  observe(cursor: BatchCursor): void {
    if (cursor.ms > this.last.ms || (cursor.ms === this.last.ms && cursor.seq > this.last.seq)) {
      this.last = { ms: cursor.ms, seq: cursor.seq };
    }
  }
}
