// The nightly job: summarize yesterday (or a given day), then delete raw rows past retention —
// but only days already summarized; an old day never summarized is summarized first — and
// incidents resolved, with their finished deliveries, more than INCIDENT_RETENTION_DAYS ago. Runs
// under a database-wide lock, so with several instances on one database only one does the work.
import {
  addDays,
  DailySummaryStore,
  type Database,
  type DayResult,
  DeliveryOutbox,
  dayStart,
  IncidentStore,
  RawRetention,
  utcDate,
  withExclusiveLock,
} from "@scrapewatch/db";
import { type BatchCursor, positionFromKey } from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";

export const NIGHTLY_LOCK = "scrapewatch_nightly";

/** SPEC 14 keeps incidents at least 90 days; longer when raw events are kept longer. */
export const INCIDENT_RETENTION_DAYS = 90;

export interface NightlyOptions {
  database: Database;
  logger: Logger;
  retentionDays: number;
  /** The UTC day to summarize (default: yesterday in UTC). */
  date?: string;
  now?: Date;
  chunkSize?: number;
  pauseMs?: number;
  shouldStop?: () => boolean;
}

export interface NightlyReport {
  /** False when another process held the lock; nothing was done. */
  ran: boolean;
  summarized: DayResult[];
  /** Raw rows before this UTC midnight are deleted: today and RETENTION_DAYS full days are kept. */
  cutoff: string;
  deleted: number;
  /** Resolved incidents and finished deliveries deleted (older than the incident retention). */
  deletedIncidents: number;
  deletedDeliveries: number;
  /**
   * Position key of the newest raw row past the cutoff, read before deleting (null when none):
   * storage may no longer hold an event at or before it, so a resume from an older cursor must
   * get `reset`. Events carry their own timestamps, so this can be much newer than the cutoff.
   */
  deletedThrough: string | null;
}

/**
 * The oldest cursor a stream resume may still start from after this run (every cursor up to the
 * batch of the newest deleted row gets `reset`), or null when nothing was deleted.
 */
export function resumableFrom(report: NightlyReport): BatchCursor | null {
  if (!report.deletedThrough) return null;
  const through = positionFromKey(report.deletedThrough);
  return { ms: through.ms, seq: through.seq + 1 };
}

export async function runNightlyJob(options: NightlyOptions): Promise<NightlyReport> {
  const now = options.now ?? new Date();
  const cutoffDate = addDays(utcDate(now), -options.retentionDays);
  const outcome = await withExclusiveLock(options.database, NIGHTLY_LOCK, () =>
    runLocked(options, now, cutoffDate),
  );
  if (!outcome.ran) {
    options.logger.info("nightly job skipped: another instance holds the lock");
    return {
      ran: false,
      summarized: [],
      cutoff: cutoffDate,
      deleted: 0,
      deletedIncidents: 0,
      deletedDeliveries: 0,
      deletedThrough: null,
    };
  }
  return outcome.value;
}

async function runLocked(options: NightlyOptions, now: Date, cutoffDate: string): Promise<NightlyReport> {
  const { database, logger } = options;
  const summaries = new DailySummaryStore(database);
  const retention = new RawRetention(database);
  const summarized: DayResult[] = [];
  const date = options.date ?? addDays(utcDate(now), -1);

  // A day past retention that was summarized may already have lost raw rows: summarizing it
  // again would overwrite a complete summary with a partial one.
  const done = await summaries.summarizedDates(date, date);
  if (date < cutoffDate && done.has(date)) {
    logger.warn("not re-summarizing a day past retention", { date, cutoff: cutoffDate });
  } else {
    const day = await summaries.summarizeDay(date);
    summarized.push(day);
    logger.info("summarized a day", { date, rows: day.rawRows });
  }

  const oldest = await retention.oldestTime();
  if (oldest && utcDate(oldest) < cutoffDate) {
    const already = await summaries.summarizedDates(utcDate(oldest), addDays(cutoffDate, -1));
    // Only days that have rows: one lookup each jumps to the next such day, so a stray old row
    // (years back) costs one step, not one per calendar day in between.
    for (let next: Date | null = oldest; next && utcDate(next) < cutoffDate; ) {
      const day = utcDate(next);
      if (!already.has(day) && day !== date) {
        logger.info("summarizing an old day before it is deleted", { date: day });
        summarized.push(await summaries.summarizeDay(day));
      }
      next = await retention.oldestTime(dayStart(addDays(day, 1)));
    }
  }

  logger.info("deleting raw events past retention", { before: cutoffDate });
  const deletedThrough = await retention.newestPositionBefore(dayStart(cutoffDate));
  const deleted = await retention.deleteBefore(dayStart(cutoffDate), {
    chunkSize: options.chunkSize,
    pauseMs: options.pauseMs,
    shouldStop: options.shouldStop,
  });
  const { incidents, deliveries } = await pruneIncidents(options, now);
  logger.info("nightly job done", {
    summarized: summarized.map((day) => day.date),
    cutoff: cutoffDate,
    deleted,
    deletedIncidents: incidents,
    deletedDeliveries: deliveries,
    deletedThrough,
  });
  return {
    ran: true,
    summarized,
    cutoff: cutoffDate,
    deleted,
    deletedIncidents: incidents,
    deletedDeliveries: deliveries,
    deletedThrough,
  };
}

/** Incidents resolved, and deliveries finished, before the incident retention; open ones stay. */
async function pruneIncidents(
  options: NightlyOptions,
  now: Date,
): Promise<{ incidents: number; deliveries: number }> {
  if (options.shouldStop?.()) return { incidents: 0, deliveries: 0 };
  const days = Math.max(INCIDENT_RETENTION_DAYS, options.retentionDays);
  const before = dayStart(addDays(utcDate(now), -days));
  // Deliveries first: an interrupted run never leaves deliveries of a deleted incident behind.
  const deliveries = await new DeliveryOutbox(options.database).deleteFinishedBefore(before);
  const incidents = await new IncidentStore(options.database).deleteResolvedBefore(before);
  return { incidents, deliveries };
}
