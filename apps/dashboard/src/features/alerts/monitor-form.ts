// The monitor settings form as text fields, to and from the PUT body. "auto" and "never" are
// words in the form and "auto" / null on the wire (SPEC 14).
import type { Monitor, MonitorSettingsPatch, Schedule } from "@scrapewatch/protocol";

export interface MonitorForm {
  scheduleKind: "none" | "cron" | "interval";
  cron: string;
  timezone: string;
  everySeconds: string;
  graceSeconds: string;
  /** "auto", "never" or a number of seconds. */
  silenceAfter: string;
  maxRuntime: string;
  consecutiveFailures: string;
  failureRatePercent: string;
  blockRatePercent: string;
  paused: boolean;
}

export function formOf(monitor: Monitor): MonitorForm {
  const { settings } = monitor;
  const schedule = settings.schedule;
  return {
    scheduleKind: schedule === null ? "none" : "cron" in schedule ? "cron" : "interval",
    cron: schedule && "cron" in schedule ? schedule.cron : "0 2 * * *",
    timezone: schedule && "cron" in schedule ? schedule.timezone : "UTC",
    everySeconds: schedule && "everySeconds" in schedule ? String(schedule.everySeconds) : "3600",
    graceSeconds: String(schedule?.graceSeconds ?? 300),
    silenceAfter: word(settings.silenceAfterSeconds),
    maxRuntime: word(settings.maxRuntimeSeconds),
    consecutiveFailures: String(settings.failureThreshold.consecutive),
    failureRatePercent: String(settings.failureThreshold.ratePercent),
    blockRatePercent: String(settings.blockThreshold.ratePercent),
    paused: settings.paused,
  };
}

/** The schedule the form describes (for the preview), or null. */
export function scheduleOf(form: MonitorForm): Schedule | null {
  const graceSeconds = Number(form.graceSeconds);
  if (form.scheduleKind === "cron")
    return { cron: form.cron.trim(), timezone: form.timezone.trim(), graceSeconds };
  if (form.scheduleKind === "interval") return { everySeconds: Number(form.everySeconds), graceSeconds };
  return null;
}

/** The PUT body; the server validates it and answers 400 naming a bad field. */
export function patchOf(form: MonitorForm): MonitorSettingsPatch {
  return {
    schedule: scheduleOf(form),
    silenceAfterSeconds: threshold(form.silenceAfter),
    maxRuntimeSeconds: threshold(form.maxRuntime),
    failureThreshold: {
      consecutive: Number(form.consecutiveFailures),
      ratePercent: Number(form.failureRatePercent),
    },
    blockThreshold: { ratePercent: Number(form.blockRatePercent) },
    paused: form.paused,
  };
}

function word(value: "auto" | number | null): string {
  return value === null ? "never" : String(value);
}

function threshold(text: string): "auto" | number | null {
  const value = text.trim().toLowerCase();
  if (value === "auto" || value === "") return "auto";
  if (value === "never") return null;
  return Number(value);
}
