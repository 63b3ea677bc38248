// The three kinds of metric event, as a scraper or scheduler reports them (ingest) and as
// Scrapewatch hands them on (with the server-assigned id and a normalized timestamp).
import { z } from "zod";
import { navigationHealthFields, scrapeHealthFields } from "./health.ts";

export const MAX_ERROR_LENGTH = 4096;
export const MAX_URL_LENGTH = 2048;
/** Durations are integers of milliseconds below 24 hours. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000 - 1;
/** A timestamp may run ahead of the server's clock by at most this much. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export const EVENT_TYPES = ["navigation", "scrape", "scheduler"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ScraperSource = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,50}$/, "source must be 1-50 characters of A-Z a-z 0-9 . _ -");
export const SchedulerSource = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, "source must be 1-100 characters of A-Z a-z 0-9 . _ -");
/** Any source name: the wider scheduler rule, used where the kind is not known (filters). */
export const SourceName = SchedulerSource;

const DurationMs = z.number().int().min(0).max(MAX_DURATION_MS);
const Count = z.number().int().min(0).max(2_147_483_647);
const Url = z.string().min(1).max(MAX_URL_LENGTH);
// Long error texts are cut, not refused: a scraper's stack trace must not cost the event.
const ErrorText = z
  .string()
  .transform((text) => (text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) : text))
  .nullish()
  .transform((text) => text ?? null);

/** ISO-8601 string or epoch milliseconds; not more than five minutes in the future. */
const Timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().min(0)])
  .transform((value, ctx) => {
    const ms = typeof value === "number" ? value : Date.parse(value);
    if (!Number.isFinite(ms) || ms > 8.64e15) {
      ctx.addIssue({ code: "custom", message: "timestamp is not a valid date" });
      return z.NEVER;
    }
    if (ms > Date.now() + MAX_CLOCK_SKEW_MS) {
      ctx.addIssue({ code: "custom", message: "timestamp is more than 5 minutes in the future" });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  })
  .optional();

export const NavigationInput = z.object({
  type: z.literal("navigation"),
  source: ScraperSource,
  timestamp: Timestamp,
  url: Url,
  durationMs: DurationMs,
  retryCount: Count.default(0),
  success: z.boolean(),
  error: ErrorText,
  ...navigationHealthFields,
});

export const ScrapeInput = z.object({
  type: z.literal("scrape"),
  source: ScraperSource,
  timestamp: Timestamp,
  url: Url,
  durationMs: DurationMs,
  itemsExtracted: Count.default(0),
  dataSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  success: z.boolean(),
  error: ErrorText,
  ...scrapeHealthFields,
});

export const RUN_STATES = ["started", "finished"] as const;
export type RunState = (typeof RUN_STATES)[number];

/**
 * A scheduler run, or (with `state: "started"`) the start of one. A started event needs neither
 * `durationMs` nor `success`; it is normalized to `durationMs: 0, success: true` so that every
 * accepted event has one shape, and every figure or summary leaves started events out.
 */
const SchedulerFields = z.object({
  type: z.literal("scheduler"),
  source: SchedulerSource,
  timestamp: Timestamp,
  runId: z.string().min(1).max(100).optional(),
  state: z.enum(RUN_STATES).default("finished"),
  durationMs: DurationMs.optional(),
  itemsProcessed: Count.default(0),
  success: z.boolean().optional(),
  error: ErrorText,
});

export const SchedulerInput = SchedulerFields.transform((event, ctx) => {
  if (event.state === "started")
    return { ...event, durationMs: event.durationMs ?? 0, success: event.success ?? true };
  if (event.durationMs === undefined) {
    ctx.addIssue({ code: "custom", path: ["durationMs"], message: "a finished run needs durationMs" });
  }
  if (event.success === undefined) {
    ctx.addIssue({ code: "custom", path: ["success"], message: "a finished run needs success" });
  }
  return { ...event, durationMs: event.durationMs ?? 0, success: event.success ?? false };
});

export const MetricInput = z.discriminatedUnion("type", [NavigationInput, ScrapeInput, SchedulerInput]);
/** What a client may send (defaults optional). */
export type MetricInputIn = z.input<typeof MetricInput>;
/** An ingest event after validation (defaults applied, timestamp possibly absent). */
export type ValidMetric = z.output<typeof MetricInput>;

type Stamped<T> = Omit<T, "timestamp"> & { id: string; timestamp: string };
// Health fields (SPEC 15) came after the first release: validation always fills them, but events
// built in code before them stay valid, so they are optional in the stamped types.
type Later<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
export type NavigationMetric = Stamped<
  Later<z.output<typeof NavigationInput>, "statusCode" | "blocked" | "blockReason" | "proxy" | "bytes">
>;
export type ScrapeMetric = Stamped<Later<z.output<typeof ScrapeInput>, "proxy">>;
/** `state` is absent on events stored before runs had states: those are finished runs. */
export type SchedulerMetric = Stamped<Omit<z.output<typeof SchedulerInput>, "state">> & { state?: RunState };
/** Health fields are optional on a stamped event, as in `NavigationMetric` (see `Later`). */
function laterOptional<T extends Record<string, z.ZodType>>(fields: T) {
  return Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, schema.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

/** An accepted event: validated, with its server-assigned id and an ISO timestamp. */
export type Metric = NavigationMetric | ScrapeMetric | SchedulerMetric;

/** Schema of an accepted event as it travels on the wire (for clients and OpenAPI, as `Metric`). */
export const MetricSchema = z
  .discriminatedUnion("type", [
    NavigationInput.extend({
      id: z.string(),
      timestamp: z.string(),
      ...laterOptional(navigationHealthFields),
    }),
    ScrapeInput.extend({ id: z.string(), timestamp: z.string(), ...laterOptional(scrapeHealthFields) }),
    SchedulerFields.extend({
      id: z.string(),
      timestamp: z.string(),
      durationMs: DurationMs,
      success: z.boolean(),
      /** Absent on events stored before runs had states: those are finished runs. */
      state: z.enum(RUN_STATES).optional(),
    }),
  ])
  .meta({ id: "Metric" });

export const MAX_EVENTS_PER_REQUEST = 5000;
export const MAX_INGEST_BYTES = 1024 * 1024;
