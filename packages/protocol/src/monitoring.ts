// What Scrapewatch says about a source's health, and where it tells people (SPEC 14): monitors,
// incidents, notification channels and silences, as REST and the streams carry them.
import { z } from "zod";
import { SourceName } from "./events.ts";

export const MONITOR_STATES = ["new", "up", "late", "down", "failing", "paused"] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

export const INCIDENT_KINDS = [
  "silence",
  "missed_run",
  "run_overdue",
  "failures",
  "blocked",
  "anomaly",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const CHANNEL_TYPES = ["webhook", "slack", "discord", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const Seconds = z
  .number()
  .int()
  .min(1)
  .max(366 * 24 * 3600);
const Grace = z
  .number()
  .int()
  .min(0)
  .max(366 * 24 * 3600);
const Percent = z.number().min(1).max(100);
const Window = z.number().int().min(1).max(1000);
const IsoTime = z.iso.datetime({ offset: true });

/** An IANA timezone the runtime knows (`Europe/Berlin`, `UTC`). */
export const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "unknown IANA timezone" },
);

/**
 * When runs are expected. The cron expression's validity (5 fields, or 6 with seconds) is checked
 * by the server with croner, which the protocol package does not depend on.
 */
export const CronSchedule = z.object({
  cron: z.string().min(1).max(200),
  timezone: TimeZone.default("UTC"),
  graceSeconds: Grace.default(300),
});
export const IntervalSchedule = z.object({
  everySeconds: Seconds,
  graceSeconds: Grace.default(300),
});
export const Schedule = z.union([CronSchedule, IntervalSchedule]);
export type Schedule = z.output<typeof Schedule>;

export const FailureThreshold = z.object({
  /** Schedulers: this many failed runs in a row open a `failures` incident. */
  consecutive: z.number().int().min(1).max(1000).default(1),
  /** Scrapers: this share of the last `window` navigations and scrapes failing opens one. */
  ratePercent: Percent.default(50),
  window: Window.default(20),
});
export const BlockThreshold = z.object({
  ratePercent: Percent.default(30),
  window: Window.default(20),
});
export const NotifySettings = z.object({
  /** null: every enabled channel that matches; a list: only these channel names. */
  channels: z.array(z.string()).nullable().default(null),
  anomalies: z.boolean().default(true),
});

export const MonitorSettings = z.object({
  schedule: Schedule.nullable().default(null),
  silenceAfterSeconds: z
    .union([z.literal("auto"), Seconds])
    .nullable()
    .default("auto"),
  maxRuntimeSeconds: z
    .union([z.literal("auto"), Seconds])
    .nullable()
    .default("auto"),
  failureThreshold: FailureThreshold.default({ consecutive: 1, ratePercent: 50, window: 20 }),
  blockThreshold: BlockThreshold.default({ ratePercent: 30, window: 20 }),
  notify: NotifySettings.default({ channels: null, anomalies: true }),
  paused: z.boolean().default(false),
});
export type MonitorSettings = z.output<typeof MonitorSettings>;

/** Body of PUT /api/v1/monitors/{source}: merged into the stored settings, nested objects too. */
export const MonitorSettingsPatch = z
  .object({
    schedule: Schedule.nullable(),
    silenceAfterSeconds: z.union([z.literal("auto"), Seconds]).nullable(),
    maxRuntimeSeconds: z.union([z.literal("auto"), Seconds]).nullable(),
    failureThreshold: FailureThreshold.partial(),
    blockThreshold: BlockThreshold.partial(),
    notify: NotifySettings.partial(),
    paused: z.boolean(),
  })
  .partial()
  .strict();
export type MonitorSettingsPatch = z.input<typeof MonitorSettingsPatch>;

export const MonitorSchema = z.object({
  source: z.string(),
  kind: z.enum(["scraper", "scheduler"]),
  state: z.enum(MONITOR_STATES),
  settings: MonitorSettings,
  learned: z.object({
    /** The source's usual gap between bursts of activity; null until learned. */
    intervalSeconds: z.number().nullable(),
    /** p95 of recent finished runs' durations (schedulers); null until 5 runs finished. */
    runDurationP95Ms: z.number().nullable(),
  }),
  /** The thresholds in force now, after "auto" is resolved; null: not watched. */
  effective: z.object({
    silenceAfterSeconds: z.number().nullable(),
    maxRuntimeSeconds: z.number().nullable(),
  }),
  lastEventAt: z.string().nullable(),
  nextExpectedAt: z.string().nullable(),
  runningSince: z.string().nullable(),
  openIncidents: z.array(z.string()),
});
export type Monitor = z.infer<typeof MonitorSchema>;

export const NOTIFICATION_STATUSES = ["pending", "sent", "failed", "suppressed"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const NOTIFICATION_TYPES = ["incident.opened", "incident.resolved", "test"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** One delivery of one incident transition to one channel, as the incident shows it. */
export const NotificationSchema = z.object({
  /** The delivery id, the same on every retry (`X-Scrapewatch-Delivery`). */
  id: z.string(),
  channel: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const IncidentSchema = z.object({
  id: z.string(),
  source: z.string(),
  kind: z.enum(INCIDENT_KINDS),
  /** Tells apart incidents of one kind: the runId of `run_overdue`, the metric of `anomaly`, else "". */
  key: z.string(),
  state: z.enum(["open", "resolved"]),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** One human sentence: "cnbc has sent nothing for 25 minutes (usually every 5 minutes)". */
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  /** Whether a silence matched when it opened (its notifications are then `suppressed`). */
  silenced: z.boolean(),
  notifications: z.array(NotificationSchema),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** SSE `event: incident` data; the WebSocket message is the same with `type: "incident"`. */
export const IncidentEventSchema = z.object({
  action: z.enum(["opened", "resolved"]),
  incident: IncidentSchema,
});
export type IncidentEvent = z.infer<typeof IncidentEventSchema>;

const ChannelName = z.string().regex(/^[a-z0-9-]{1,50}$/, "name must be 1-50 characters of a-z 0-9 -");
const HttpUrl = z
  .string()
  .max(2048)
  .refine((text) => /^https?:\/\//i.test(text) && URL.canParse(text), {
    message: "url must be an http(s) URL",
  });
const Email = z.email();

const ChannelFields = z.object({
  type: z.enum(CHANNEL_TYPES),
  url: HttpUrl.nullable().optional(),
  to: z.array(Email).min(1).max(50).nullable().optional(),
  /** Webhook only: signs each request (`X-Scrapewatch-Signature`). Never returned. */
  secret: z.string().min(8).max(256).nullable().optional(),
  sources: z.array(SourceName).max(1000).nullable().optional(),
  kinds: z.array(z.enum(INCIDENT_KINDS)).nullable().optional(),
  enabled: z.boolean().optional(),
});

/** Webhook, Slack and Discord need `url`; email needs `to`. */
function requireTarget(
  channel: { type?: ChannelType; url?: string | null; to?: string[] | null },
  ctx: z.RefinementCtx,
) {
  if (channel.type === "email" && !channel.to?.length) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "an email channel needs `to` addresses" });
  }
  if (channel.type !== undefined && channel.type !== "email" && !channel.url) {
    ctx.addIssue({ code: "custom", path: ["url"], message: `a ${channel.type} channel needs a url` });
  }
}

/** Body of POST /api/v1/channels. */
export const ChannelInput = ChannelFields.extend({ name: ChannelName }).strict().superRefine(requireTarget);
export type ChannelInput = z.input<typeof ChannelInput>;
/** Body of PUT /api/v1/channels/{name}: the fields to change (the name stays). */
export const ChannelPatch = ChannelFields.partial().strict();
export type ChannelPatch = z.input<typeof ChannelPatch>;

export const ChannelSchema = z.object({
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  url: z.string().nullable(),
  to: z.array(z.string()).nullable(),
  hasSecret: z.boolean(),
  sources: z.array(z.string()).nullable(),
  kinds: z.array(z.enum(INCIDENT_KINDS)).nullable(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export type Channel = z.infer<typeof ChannelSchema>;

/** Answer of POST /api/v1/channels/{name}/test. */
export const ChannelTestResult = z.object({
  delivered: z.boolean(),
  /** The receiver's HTTP status (or 250 for SMTP), null when it never answered. */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

/** Body of POST /api/v1/silences. */
export const SilenceInput = z
  .object({
    sources: z.array(SourceName).min(1).max(1000).nullable().default(null),
    kinds: z.array(z.enum(INCIDENT_KINDS)).min(1).nullable().default(null),
    startsAt: IsoTime.optional(),
    endsAt: IsoTime,
    reason: z.string().max(500).default(""),
  })
  .strict()
  .superRefine((silence, ctx) => {
    const starts = silence.startsAt === undefined ? Date.now() : Date.parse(silence.startsAt);
    if (Date.parse(silence.endsAt) <= starts) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "endsAt must be after startsAt" });
    }
  });
export type SilenceInput = z.input<typeof SilenceInput>;

export const SilenceSchema = z.object({
  id: z.string(),
  sources: z.array(z.string()).nullable(),
  kinds: z.array(z.enum(INCIDENT_KINDS)).nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  active: z.boolean(),
});
export type Silence = z.infer<typeof SilenceSchema>;
