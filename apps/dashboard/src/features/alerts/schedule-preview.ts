// A schedule in words, with when it next fires: "every day at 02:00 Europe/Berlin, next in 5 h".
// The cron is read by croner, the same library the server evaluates it with, so the preview
// and the server agree on what is valid and when the next run is due.
import type { Schedule } from "@scrapewatch/protocol";
import { Cron } from "croner";

export type SchedulePreview = { ok: true; text: string; next: Date | null } | { ok: false; error: string };

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function previewSchedule(schedule: Schedule, now: Date = new Date()): SchedulePreview {
  if ("everySeconds" in schedule) {
    return {
      ok: true,
      text: `every ${duration(schedule.everySeconds)}, counted from the last run`,
      next: null,
    };
  }
  let next: Date | null;
  try {
    const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true, mode: "5-or-6-parts" });
    next = cron.nextRun(now);
    cron.stop();
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const when = describeCron(schedule.cron);
  const nextText = next ? `, next in ${duration(Math.round((next.getTime() - now.getTime()) / 1000))}` : "";
  return { ok: true, text: `${when} ${schedule.timezone}${nextText}`, next };
}

/** Words for the common shapes; anything else is shown as the expression itself. */
export function describeCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields.slice(1) : fields;
  const plain = (field: string | undefined) => field !== undefined && /^\d+$/.test(field);
  const at = plain(hour) && plain(minute) ? `at ${pad(hour)}:${pad(minute)}` : null;
  if (fields.length === 5 || fields.length === 6) {
    if (at && dayOfMonth === "*" && month === "*" && dayOfWeek === "*") return `every day ${at}`;
    if (at && dayOfMonth === "*" && month === "*" && plain(dayOfWeek))
      return `every ${DAYS[Number(dayOfWeek) % 7]} ${at}`;
    if (at && dayOfMonth === "*" && month === "*" && dayOfWeek === "1-5") return `every weekday ${at}`;
    if (at && plain(dayOfMonth) && month === "*" && dayOfWeek === "*")
      return `on day ${dayOfMonth} of every month ${at}`;
    if (plain(minute) && hour === "*" && dayOfMonth === "*" && month === "*" && dayOfWeek === "*")
      return `every hour at minute ${minute}`;
    const step = minute?.match(/^\*\/(\d+)$/);
    if (step && hour === "*" && dayOfMonth === "*" && month === "*" && dayOfWeek === "*")
      return `every ${step[1]} minutes`;
  }
  return `on "${expression.trim()}"`;
}

/** 90 → "1 min 30 s", 18000 → "5 h", 93600 → "1 d 2 h". */
export function duration(seconds: number): string {
  const units: Array<[string, number]> = [
    ["d", 86_400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.length > 0 ? parts.join(" ") : "0 s";
}

function pad(field: string | undefined): string {
  return String(field ?? "0").padStart(2, "0");
}
