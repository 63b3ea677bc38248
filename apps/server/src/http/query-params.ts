// Query parameters shared by the read routes, as zod schemas (they also document the API).
import { EVENT_TYPES, parseCursor, SourceName } from "@scrapewatch/protocol";
import { z } from "zod";

/** `source=a,b`: one or more source names, comma separated. */
export const SourcesParam = z
  .string()
  .max(5_100)
  .refine(
    (text) =>
      text
        .split(",")
        .map((s) => s.trim())
        .every((s) => SourceName.safeParse(s).success),
    { message: "each source must be 1-100 characters of [A-Za-z0-9._-]" },
  )
  .transform((text) => [...new Set(text.split(",").map((s) => s.trim()))])
  .meta({ description: "Source names, comma separated.", example: "robinhood,cnbc" });

/**
 * True when a leading YYYY-MM-DD names a day of the calendar: Date.parse rolls 2026-02-30 over to
 * March 2nd, which would quietly answer for the wrong day.
 */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return true;
  const [, year, month, day] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A time as ISO 8601 (or anything Date.parse reads unambiguously, e.g. 2026-01-31). */
export const TimeParam = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)) && isCalendarDate(text), {
    message: "must be an ISO 8601 time",
  })
  .transform((text) => new Date(text))
  .meta({ format: "date-time", example: "2026-01-31T00:00:00Z" });

export const DateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
  .refine(isCalendarDate, { message: "must be a calendar date" })
  .meta({ format: "date", example: "2026-01-31" });

/** A batch cursor `<ms>-<seq>` or an event cursor `<ms>-<seq>-<index>`. */
export const CursorParam = z
  .string()
  .refine((text) => parseCursor(text) !== null, {
    message: "must be a cursor <ms>-<seq> or <ms>-<seq>-<index>",
  })
  .meta({
    description:
      "Only events after this cursor: a batch cursor m-s (the SSE id) or an event cursor m-s-i (an item's cursor).",
    example: "1767225600000-0-41",
  });

export const TypeParam = z.enum(EVENT_TYPES);

export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
