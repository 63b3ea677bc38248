// When a scheduled source's next run is due: croner's next occurrence in the schedule's timezone,
// or the last run plus `everySeconds`. Cron objects are parsed once per expression and reused.
import type { Schedule } from "@scrapewatch/protocol";
import { Cron } from "croner";

const crons = new Map<string, Cron>();
const MAX_CACHED = 10_000;

function cronOf(expression: string, timezone: string): Cron {
  const key = `${timezone} ${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    if (crons.size >= MAX_CACHED) crons.clear();
    cron = new Cron(expression, { timezone, mode: "5-or-6-parts" });
    crons.set(key, cron);
  }
  return cron;
}

/**
 * The first run due after the latest of `since` (the schedule was set) and the last run.
 * A run that arrived a little early (within half a period, and within grace) covers the
 * occurrence it was early for.
 */
export function nextDueAt(schedule: Schedule, since: number, lastRunAt: number | null): number | null {
  if ("everySeconds" in schedule) {
    return Math.max(since, lastRunAt ?? since) + schedule.everySeconds * 1000;
  }
  const cron = cronOf(schedule.cron, schedule.timezone);
  if (lastRunAt === null || lastRunAt < since) return cron.nextRun(new Date(since))?.getTime() ?? null;
  const following = cron.nextRun(new Date(lastRunAt))?.getTime();
  if (following === undefined) return null;
  const after = cron.nextRun(new Date(following))?.getTime() ?? following;
  const earlyBy = Math.min(schedule.graceSeconds * 1000, (after - following) / 2);
  return following - lastRunAt <= earlyBy ? after : following;
}
