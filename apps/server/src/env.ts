// The environment, validated once at start-up. A bad value names the variable and stops the
// server; tests pass their own values to parseEnv instead of touching process.env.
import { z } from "zod";
import { ClientAddresses } from "./http/client-address.ts";
import { isLoopbackHost } from "./http/loopback.ts";

const MIB = 1024 * 1024;

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const list = z
  .string()
  .default("")
  .transform((text) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1" || value === "yes");

/** An optional URL variable with a required scheme; "" counts as unset. */
const optionalUrl = (scheme: RegExp, message: string) =>
  z
    .string()
    .optional()
    .transform((text) => (text === "" ? undefined : text))
    .refine((text) => text === undefined || (scheme.test(text) && URL.canParse(text)), { message });

export const EnvSchema = z
  .object({
    PORT: int(3000, 0, 65535),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: z
      .string()
      .default("file:./data/scrapewatch.db")
      .refine((url) => url.startsWith("file:") || url.startsWith("mysql://"), {
        message: "must be file:<path> (SQLite) or mysql://user:pass@host:port/db",
      }),
    REDIS_URL: z
      .string()
      .optional()
      .refine((url) => url === undefined || url === "" || /^rediss?:\/\//.test(url), {
        message: "must be redis://host:port[/db]",
      })
      .transform((url) => (url === "" ? undefined : url)),
    /** The Redis stream instances share; instances with the same one form one product. */
    REDIS_STREAM: z.string().min(1).default("scrapewatch:batches"),
    BATCH_INTERVAL_MS: int(1000, 0, 60_000),
    MAX_BATCH_SIZE: int(100, 1, 10_000),
    FLUSH_INTERVAL_MS: int(5000, 1, 600_000),
    FLUSH_BATCH_SIZE: int(100, 1, 100_000),
    MAX_PENDING: int(100_000, 1, 10_000_000),
    MAX_CLIENTS: int(1000, 0, 1_000_000),
    SSE_HEARTBEAT_MS: int(15_000, 10, 3_600_000),
    HEARTBEAT_INTERVAL_MS: int(30_000, 10, 3_600_000),
    /** Bytes a connection may have waiting to be sent before it is dropped as a slow consumer. */
    MAX_CLIENT_BUFFER_BYTES: int(1024 * 1024, 1024, 1024 * 1024 * 1024),
    /** Batches kept in memory for resume; older cursors are replayed from the database. */
    REPLAY_BUFFER_SIZE: int(10_000, 0, 10_000_000),
    /**
     * Events those batches may hold together: bounds the heap (an event held costs ~2 KB with
     * its frames), and older resumes read the database instead.
     */
    REPLAY_BUFFER_EVENTS: int(50_000, 0, 100_000_000),
    /** The replay buffer's bound in bytes (estimated from each batch's serialized length). */
    REPLAY_BUFFER_BYTES: int(64 * MIB, 0, 64 * 1024 * MIB),
    /** Bytes of accepted-but-unwritten events (beside MAX_PENDING); beyond it ingest gets 429. */
    MAX_PENDING_BYTES: int(256 * MIB, 1024, 64 * 1024 * MIB),
    /** Sources active in memory at once; an event that would make one more gets 429. */
    MAX_SOURCES: int(10_000, 1, 10_000_000),
    /** A source without events for this long leaves memory (its history stays stored). */
    SOURCE_IDLE_MS: int(3_600_000, 1000, 30 * 24 * 3_600_000),
    /** A resuming client that does not take its replay within this is dropped (slow consumer). */
    SLOW_CLIENT_TIMEOUT_MS: int(30_000, 10, 3_600_000),
    /** Streams (SSE + WebSocket) one token, or one address without tokens, may hold. */
    MAX_STREAMS_PER_CLIENT: int(100, 1, 1_000_000),
    /** Bytes of dead-letter file before it is rotated to <path>.1. */
    DEAD_LETTER_MAX_BYTES: int(64 * MIB, 1024, 64 * 1024 * MIB),
    /**
     * Proxies (IPs or CIDRs) whose X-Forwarded-For is believed for the client address; empty:
     * the socket's address is the client's.
     */
    TRUST_PROXY: list,
    RETENTION_DAYS: int(7, 1, 36_500),
    AGGREGATE_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour, server time)")
      .default("02:00"),
    ANOMALY_THRESHOLD: z.coerce.number().positive().max(1000).default(3),
    /** Monitors (SPEC 14): one evaluation pass every MONITOR_TICK_MS. */
    MONITOR_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** "auto" silence is declared after max(SILENCE_MIN_SECONDS, SILENCE_FACTOR × usual gap). */
    SILENCE_MIN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    SILENCE_FACTOR: z.coerce.number().positive().max(1000).default(5),
    /** An anomaly incident resolves after this long without another anomaly of its metric. */
    ANOMALY_RESOLVE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    INGEST_TOKENS: list,
    READ_TOKENS: list,
    ADMIN_TOKENS: list,
    ALLOW_ANONYMOUS: bool(false),
    ALLOWED_ORIGINS: list,
    /** Ingest events per second per token (or per address when ingest is open); 0 = no limit. */
    INGEST_RATE_LIMIT: int(0, 0, 100_000_000),
    /** Events a key may send at once after being idle; 0 = one second's worth. */
    INGEST_RATE_BURST: int(0, 0, 100_000_000),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    /** "auto": human-readable when stdout is a terminal, JSON lines otherwise. */
    LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
    /** Sources with a series of their own in /metrics (the busiest); the rest as source="_other". */
    METRICS_SOURCE_LABELS: int(100, 0, 100_000),
    /** "auto": run the demo scrapers when the database is empty at start-up. */
    DEMO: z
      .enum(["1", "0", "true", "false", "auto", ""])
      .default("0")
      .transform((value) => (value === "auto" ? "auto" : value === "1" || value === "true")),
    DEAD_LETTER_PATH: z.string().default("./data/dead-letter.ndjson"),
    /** Where events still unwritten at shutdown (database away) are kept until the next start. */
    SPILL_PATH: z.string().default("./data/unwritten.ndjson"),
    SHUTDOWN_TIMEOUT_MS: int(15_000, 0, 600_000),
    /** A webhook channel named `default` is created (or updated) at start-up from these two. */
    ALERT_WEBHOOK_URL: optionalUrl(/^https?:\/\//i, "must be an http(s) URL"),
    ALERT_WEBHOOK_SECRET: z
      .string()
      .optional()
      .transform((text) => (text === "" ? undefined : text))
      .refine((text) => text === undefined || (text.length >= 8 && text.length <= 256), {
        message: "must be 8-256 characters",
      }),
    /** Email channels send through this SMTP server: smtp://user:pass@host:port (or smtps://). */
    SMTP_URL: optionalUrl(/^smtps?:\/\//i, "must be smtp://user:pass@host:port or smtps://…"),
    ALERT_EMAIL_FROM: z.string().min(3).default("Scrapewatch <scrapewatch@localhost>"),
    /** Notification deliveries in flight per channel, and in all (a stalled receiver holds only its own). */
    DELIVERY_CONCURRENCY: int(4, 1, 1000),
    DELIVERY_MAX_IN_FLIGHT: int(64, 1, 100_000),
    /** One attempt's limit (connect, answer and body). */
    DELIVERY_TIMEOUT_MS: int(10_000, 100, 600_000),
    /** How often due deliveries (retries, other instances' rows) are looked for. */
    DELIVERY_POLL_MS: int(1000, 10, 600_000),
    /** How long a failing delivery is retried before it is marked failed. */
    DELIVERY_RETRY_HOURS: int(24, 1, 24 * 30),
    /** Directory of the built dashboard; served at / when it exists. */
    DASHBOARD_DIR: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    try {
      new ClientAddresses(env.TRUST_PROXY);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["TRUST_PROXY"], message: (error as Error).message });
    }
    const missing = (["READ_TOKENS", "INGEST_TOKENS", "ADMIN_TOKENS"] as const).filter(
      (name) => env[name].length === 0,
    );
    if (!isLoopbackHost(env.HOST) && missing.length > 0 && !env.ALLOW_ANONYMOUS) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message: `bound to ${env.HOST} (not loopback) without ${missing.join(", ")}; set every token set or ALLOW_ANONYMOUS=true`,
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

/** Parses the environment; throws EnvError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
}
