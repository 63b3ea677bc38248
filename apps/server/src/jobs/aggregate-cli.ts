// `npm run aggregate -- [--date YYYY-MM-DD]`: the nightly job for cron, with the server's
// environment (and its .env). Reports each day summarized and the rows deleted as it goes.
import { parseArgs } from "node:util";
import { dayStart, openDatabase } from "@scrapewatch/db";
import { Redis } from "ioredis";
import { EnvError, parseEnv } from "../env.ts";
import { loadEnvFile } from "../env-file.ts";
import { createProcessLogger } from "../logger.ts";
import { announceForgotten } from "../scaleout/redis-batch-bus.ts";
import { type NightlyReport, resumableFrom, runNightlyJob } from "./nightly-job.ts";

const USAGE = `Usage: npm run aggregate -- [--date YYYY-MM-DD]

Runs the nightly job once, as every server does at AGGREGATE_AT: summarizes one UTC day into
the daily summaries (default: yesterday), summarizes older days that never were, then deletes
raw events older than RETENTION_DAYS, and incidents resolved (with their finished notification
deliveries) more than max(90, RETENTION_DAYS) days ago. It reads the server's settings from the environment and
from .env in the working directory (DATABASE_URL, RETENTION_DAYS, and REDIS_URL to tell running
servers what was deleted). It takes the same database lock as the servers: when one of them is
running the job, it does nothing.

Options:
  --date YYYY-MM-DD  the UTC day to summarize (default: yesterday)
  -h, --help         print this text

Exit codes:
  0  done, or skipped because another instance holds the lock
  1  failed: bad environment, database unreachable, a query failed
  2  bad arguments
`;

/** The outcome in one sentence, for a person reading cron mail. */
function describeReport(report: NightlyReport): string {
  if (!report.ran) return "skipped: another instance is running the nightly job";
  const days = report.summarized.map((day) => day.date);
  const summarized =
    days.length === 0 ? "summarized no day" : `summarized ${days.length} day(s): ${days.join(", ")}`;
  return (
    `${summarized}; deleted ${report.deleted} raw event(s) before ${report.cutoff}, ` +
    `${report.deletedIncidents} old incident(s) and ${report.deletedDeliveries} delivery(ies)`
  );
}

async function main(): Promise<number> {
  let values: { date?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { date: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`aggregate: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.date !== undefined) {
    try {
      dayStart(values.date);
    } catch {
      process.stderr.write(`aggregate: --date must be YYYY-MM-DD, got ${values.date}\n`);
      return 2;
    }
  }
  loadEnvFile();
  const env = parseEnv();
  // Progress comes through the job's log lines: each old day summarized, then the deletion.
  const logger = createProcessLogger(env.LOG_LEVEL, env.LOG_FORMAT, { service: "scrapewatch-aggregate" });
  logger.info("aggregate starting", { date: values.date ?? "yesterday", retentionDays: env.RETENTION_DAYS });
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
    process.stderr.write(`aggregate: ${describeReport(report)}\n`);
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
