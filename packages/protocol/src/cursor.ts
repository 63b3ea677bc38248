// Cursors: the delivery position of a batch (`<ms>-<seq>`, the shape of a Redis stream id) or of
// one event inside it (`<ms>-<seq>-<index>`). They compare in natural order (numeric parts as
// numbers). In storage a position is kept as a fixed-width string so that plain string
// comparison in SQL orders rows the same way.
export interface BatchCursor {
  ms: number;
  seq: number;
}

export interface Position extends BatchCursor {
  /** Index of an event inside its batch; absent for a batch cursor (meaning: the whole batch). */
  index?: number;
}

// Each part fits its storage padding (positionKey): a longer one would compare wrongly in SQL.
const CURSOR_RE = /^(\d{1,15})-(\d{1,10})(?:-(\d{1,5}))?$/;
/** Largest index inside a batch; a batch cursor stands for "through the end of the batch". */
export const MAX_BATCH_INDEX = 99_999;

export function parseCursor(text: string): Position | null {
  const match = CURSOR_RE.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]);
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(seq)) return null;
  if (match[3] === undefined) return { ms, seq };
  return { ms, seq, index: Number(match[3]) };
}

export function formatCursor(position: Position): string {
  const base = `${position.ms}-${position.seq}`;
  return position.index === undefined ? base : `${base}-${position.index}`;
}

/** Natural-order comparison; a batch cursor sorts after every event of its batch. */
export function compareCursors(a: Position, b: Position): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  const ai = a.index ?? MAX_BATCH_INDEX + 1;
  const bi = b.index ?? MAX_BATCH_INDEX + 1;
  return ai === bi ? 0 : ai < bi ? -1 : 1;
}

/**
 * Fixed-width key for storage: lexicographic order equals cursor order. A batch cursor maps to
 * the key just past its last possible event, so `position > key(cursor)` means "after it".
 */
export function positionKey(position: Position): string {
  const index = position.index ?? MAX_BATCH_INDEX;
  return `${pad(position.ms, 15)}-${pad(position.seq, 10)}-${pad(index, 5)}`;
}

export function positionFromKey(key: string): Position {
  const [ms, seq, index] = key.split("-").map(Number);
  return { ms: ms ?? 0, seq: seq ?? 0, index: index ?? 0 };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
