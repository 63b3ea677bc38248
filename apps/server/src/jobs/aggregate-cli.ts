// `npm run aggregate -- [--date YYYY-MM-DD]`: the nightly job for cron, with the server's
// environment. Exits 0 when done or when another instance holds the lock, 1 on failure.
import { parseArgs } from "node:util";
import { dayStart, openDatabase } from "@scrapewatch/db";
import { Redis } from "ioredis";
import { EnvError, parseEnv } from "../env.ts";
import { createLogger } from "../logger.ts";
import { announceForgotten } from "../scaleout/redis-batch-bus.ts";
import { resumableFrom, runNightlyJob } from "./nightly-job.ts";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { date: { type: "string" } }, strict: true });
  if (values.date !== undefined) {
    try {
      dayStart(values.date);
    } catch {
      process.stderr.write(`aggregate: --date must be YYYY-MM-DD, got ${values.date}\n`);
      return 2;
    }
  }
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL, { service: "scrapewatch-aggregate" });
  const database = await openDatabase(env.DATABASE_URL);
  try {
    const report = await runNightlyJob({
      database,
      logger,
      retentionDays: env.RETENTION_DAYS,
      date: values.date,
    });
    logger.info(report.ran ? "aggregate finished" : "aggregate skipped", { ...report });
    const from = resumableFrom(report);
    if (from && env.REDIS_URL) {
      // The servers learn what was deleted through Redis, as when one of them runs the job.
      const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        await announceForgotten(redis, env.REDIS_STREAM, "aggregate-cli", from);
      } finally {
        redis.disconnect();
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Drizzle wraps driver errors ("Failed query: ..."); the cause says what went wrong.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
    const message = error instanceof EnvError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`aggregate: ${cause ?? message}\n`);
    process.exit(1);
  },
);
