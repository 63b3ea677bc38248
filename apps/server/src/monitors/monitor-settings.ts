// A monitor's settings: the defaults, the stored form, PUT's merge, and the checks zod cannot do
// (a cron expression's validity, through croner). A bad setting is an error naming its field.
import {
  type MonitorSettings as Settings,
  MonitorSettings,
  type MonitorSettingsPatch,
} from "@scrapewatch/protocol";
import { Cron } from "croner";

export type { Settings };

export class InvalidSetting extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function defaultSettings(): Settings {
  return MonitorSettings.parse({});
}

/** Settings read back from storage; what no longer parses falls back to the defaults. */
export function parseStoredSettings(json: string): Settings {
  try {
    const parsed = MonitorSettings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : defaultSettings();
  } catch {
    return defaultSettings();
  }
}

/**
 * Merges a validated patch into the current settings (nested objects field by field), then
 * validates the result as a whole. Throws InvalidSetting for what only the server can judge.
 */
export function mergeSettings(current: Settings, patch: MonitorSettingsPatch): Settings {
  const merged = {
    ...current,
    ...patch,
    failureThreshold: { ...current.failureThreshold, ...patch.failureThreshold },
    blockThreshold: { ...current.blockThreshold, ...patch.blockThreshold },
    notify: { ...current.notify, ...patch.notify },
  };
  const result = MonitorSettings.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidSetting(issue?.path.join(".") || "settings", issue?.message ?? "invalid");
  }
  checkCron(result.data);
  return result.data;
}

function checkCron(settings: Settings): void {
  const schedule = settings.schedule;
  if (!schedule || !("cron" in schedule)) return;
  const fields = schedule.cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw new InvalidSetting("schedule.cron", "a cron expression has 5 fields, or 6 with seconds");
  }
  try {
    new Cron(schedule.cron, { timezone: schedule.timezone, mode: "5-or-6-parts" });
  } catch (error) {
    throw new InvalidSetting(
      "schedule.cron",
      error instanceof Error ? error.message : "invalid cron expression",
    );
  }
}

/** Whether two settings expect runs differently (a new schedule counts missed runs from now). */
export function scheduleChanged(before: Settings, after: Settings): boolean {
  return JSON.stringify(before.schedule) !== JSON.stringify(after.schedule);
}
