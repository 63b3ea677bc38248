// Exactly-once delivery across transports: remembers the last delivered position and lets
// through only events strictly after it, whether they come from a stream batch or a REST page.
import { type Batch, compareCursors, formatCursor, type Position, parseCursor } from "@scrapewatch/protocol";
import type { LiveEvent } from "./types.ts";

export interface PolledItem {
  cursor: string;
  source: string;
}

export class CursorGate {
  private last: Position | null;

  constructor(initial: string | null = null) {
    this.last = initial === null ? null : parseCursor(initial);
  }

  /** The cursor to resume from (batch or event cursor), or null before anything was seen. */
  get cursor(): string | null {
    return this.last === null ? null : formatCursor(this.last);
  }

  /** Moves the position forward (never back), e.g. to the cursor a `connected` message names. */
  advanceTo(cursor: string | null): void {
    const position = cursor === null ? null : parseCursor(cursor);
    if (position && this.isAfter(position)) this.last = position;
  }

  /** Forgets the position: used after a `reset`, when the server names a new starting point. */
  resetTo(cursor: string | null): void {
    this.last = cursor === null ? null : parseCursor(cursor);
  }

  /** Events of the batch not delivered yet, tagged with their event cursors. */
  acceptBatch(batch: Batch, wanted: (source: string) => boolean): LiveEvent[] {
    const batchPos = parseCursor(batch.id);
    if (!batchPos) return [];
    if (!this.isAfter(batchPos)) return [];
    const out: LiveEvent[] = [];
    batch.metrics.forEach((metric, index) => {
      const position = { ms: batchPos.ms, seq: batchPos.seq, index };
      if (this.isAfter(position) && wanted(metric.source)) {
        out.push({ ...metric, cursor: formatCursor(position) } as LiveEvent);
      }
    });
    this.last = batchPos;
    return out;
  }

  /** Items of a REST page not delivered yet; the position moves past every item read. */
  acceptItems<T extends PolledItem>(items: readonly T[], wanted: (source: string) => boolean): T[] {
    const out: T[] = [];
    for (const item of items) {
      const position = parseCursor(item.cursor);
      if (!position || !this.isAfter(position)) continue;
      this.last = position;
      if (wanted(item.source)) out.push(item);
    }
    return out;
  }

  private isAfter(position: Position): boolean {
    return this.last === null || compareCursors(position, this.last) > 0;
  }
}
