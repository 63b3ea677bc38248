// Cursor order on the client: `<ms>-<seq>` or `<ms>-<seq>-<index>`, numeric parts compared as
// numbers, a batch cursor after every event of its batch. Used to skip anything already seen.

export function compareCursors(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? Number.POSITIVE_INFINITY;
    const y = pb[i] ?? Number.POSITIVE_INFINITY;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function isCursor(text: string): boolean {
  return /^\d{1,15}-\d{1,10}(-\d{1,5})?$/.test(text);
}

function parts(cursor: string): number[] {
  return cursor.split("-").map(Number);
}
