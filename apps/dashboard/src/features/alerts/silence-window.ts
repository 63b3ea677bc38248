// The windows the silence form offers: 1 h, 4 h, 24 h from now, or a custom end.
export const SILENCE_PRESETS = [
  { label: "1 h", hours: 1 },
  { label: "4 h", hours: 4 },
  { label: "24 h", hours: 24 },
] as const;

/** The end of a silence starting now: a preset's hours, or a `datetime-local` value (local time). */
export function silenceEnd(choice: number | string, now: Date = new Date()): Date | null {
  if (typeof choice === "number") return new Date(now.getTime() + choice * 3_600_000);
  const at = new Date(choice);
  return Number.isFinite(at.getTime()) && at.getTime() > now.getTime() ? at : null;
}
