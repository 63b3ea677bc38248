// UTC calendar days as 'YYYY-MM-DD' strings: the unit of roll-ups and retention.
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const DAY_MS = 86_400_000;

/** The UTC midnight that starts a 'YYYY-MM-DD' day. */
export function dayStart(date: string): Date {
  if (!DATE_RE.test(date)) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const start = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== date) {
    throw new Error(`not a calendar date: ${date}`);
  }
  return start;
}

export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return utcDate(new Date(dayStart(date).getTime() + days * DAY_MS));
}
