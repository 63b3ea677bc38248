// The environment, validated once at start-up. A bad value names the variable and stops the
// server; tests pass their own values to parseEnv instead of touching process.env.
import { z } from "zod";

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
    RETENTION_DAYS: int(7, 1, 36_500),
    AGGREGATE_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour, server time)")
      .default("02:00"),
    ANOMALY_THRESHOLD: z.coerce.number().positive().max(1000).default(3),
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
    /** "auto": run the demo scrapers when the database is empty at start-up. */
    DEMO: z
      .enum(["1", "0", "true", "false", "auto", ""])
      .default("0")
      .transform((value) => (value === "auto" ? "auto" : value === "1" || value === "true")),
    DEAD_LETTER_PATH: z.string().default("./data/dead-letter.ndjson"),
    /** Where events still unwritten at shutdown (database away) are kept until the next start. */
    SPILL_PATH: z.string().default("./data/unwritten.ndjson"),
    SHUTDOWN_TIMEOUT_MS: int(15_000, 0, 600_000),
    /** Directory of the built dashboard; served at / when it exists. */
    DASHBOARD_DIR: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const loopback = ["127.0.0.1", "localhost", "::1"].includes(env.HOST) || env.HOST.startsWith("127.");
    const guarded = env.READ_TOKENS.length > 0 && env.INGEST_TOKENS.length > 0;
    if (!loopback && !guarded && !env.ALLOW_ANONYMOUS) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message: `bound to ${env.HOST} (not loopback) without INGEST_TOKENS and READ_TOKENS; set tokens or ALLOW_ANONYMOUS=true`,
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
