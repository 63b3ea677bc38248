// The notification outbox: every delivery of an incident transition to a channel is a row here
// until it is sent or has failed. Instances take due rows with a lease (one atomic UPDATE, then
// reading back their own claim), so each delivery is in one instance's hands at a time.
import type { IncidentKind, NotificationStatus, NotificationType } from "@scrapewatch/protocol";
import { type SQL, sql } from "drizzle-orm";
import type { StorageDialect } from "../storage-dialect.ts";
import { readNullableString } from "./stored-json.ts";
import { errorChain } from "../dialects/error-chain.ts";

export interface NewDelivery {
  /** The delivery id, sent as X-Scrapewatch-Delivery on every attempt. */
  id: string;
  incidentId: string;
  source: string;
  kind: IncidentKind;
  channel: string;
  type: NotificationType;
  status: "pending" | "suppressed";
  /** What the senders need to build the message (JSON: the incident and monitor at the transition). */
  payload: string;
  createdAt: Date;
}

export interface Delivery extends Omit<NewDelivery, "status"> {
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
}

const DEADLOCK_ERRNOS = new Set([1213, 1205]); // deadlock, lock wait timeout
const WRITE_BATCH = 200;

export class DeliveryOutbox {
  private readonly writes: { statement: SQL; resolve(): void; reject(error: unknown): void }[] = [];
  private writing = false;

  constructor(private readonly database: StorageDialect) {}

  async insert(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.database.insertIgnore(
      "notification_outbox",
      [
        "id",
        "incident_id",
        "source",
        "kind",
        "channel",
        "type",
        "status",
        "payload",
        "attempts",
        "created_at",
        "next_attempt_at",
      ],
      deliveries.map((d) => [
        d.id,
        d.incidentId,
        d.source,
        d.kind,
        d.channel,
        d.type,
        d.status,
        d.payload,
        0,
        d.createdAt,
        d.status === "pending" ? d.createdAt : null,
      ]),
    );
  }

  /**
   * Claims up to `limit` of the channel's due, unleased pending deliveries for `claimant` (unique
   * per call) until `leaseUntil`, and answers them. Another instance's concurrent claim skips them.
   */
  async claim(
    channel: string,
    claimant: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<Delivery[]> {
    const due = sql`channel = ${channel} AND status = 'pending' AND next_attempt_at <= ${now}
      AND (lease_until IS NULL OR lease_until < ${now})`;
    const candidates = await this.database.all<{ id: unknown }>(
      sql`SELECT id FROM notification_outbox WHERE ${due} ORDER BY next_attempt_at, id LIMIT ${limit}`,
    );
    if (candidates.length === 0) return [];
    // The UPDATE checks again: of two instances that saw the same candidates, each row goes to one.
    const ids = sql.join(
      candidates.map((row) => sql`${String(row.id)}`),
      sql`, `,
    );
    let claimed: number;
    try {
      claimed = await this.database.run(
        sql`UPDATE notification_outbox SET claimed_by = ${claimant}, lease_until = ${leaseUntil}
            WHERE id IN (${ids}) AND ${due}`,
      );
    } catch (error) {
      // Two instances claiming at once may deadlock on MySQL: the loser claims nothing this round.
      if (isLockConflict(error)) return [];
      throw error;
    }
    if (claimed === 0) return [];
    return this.select(sql`claimed_by = ${claimant} AND status = 'pending'`);
  }

  /** Sent: the last attempt succeeded. */
  recordSent(id: string, claimant: string, sentAt: Date): Promise<void> {
    return this.finish(
      id,
      claimant,
      sql`status = 'sent', sent_at = ${sentAt}, next_attempt_at = NULL, last_error = NULL`,
    );
  }

  /**
   * The attempt failed and another is due at `nextAttemptAt`. A delivery failed meanwhile (its
   * channel deleted or disabled while the attempt ran) stays failed with that reason.
   */
  recordRetry(id: string, claimant: string, error: string, nextAttemptAt: Date): Promise<void> {
    return this.finish(
      id,
      claimant,
      sql`last_error = CASE WHEN status = 'pending' THEN ${error} ELSE last_error END,
          next_attempt_at = CASE WHEN status = 'pending' THEN ${nextAttemptAt} ELSE NULL END`,
    );
  }

  /** Failed for good: a 4xx other than 408/429, or retried for the whole window. */
  recordFailed(id: string, claimant: string, error: string): Promise<void> {
    return this.finish(id, claimant, sql`status = 'failed', last_error = ${error}, next_attempt_at = NULL`);
  }

  /** Failed without an attempt (its channel is gone): claimed rows only. */
  abandon(id: string, claimant: string, error: string): Promise<void> {
    return this.write(
      sql`UPDATE notification_outbox SET status = 'failed', last_error = ${error}, next_attempt_at = NULL,
            claimed_by = NULL, lease_until = NULL WHERE id = ${id} AND claimed_by = ${claimant}`,
    );
  }

  /** The channel was deleted or disabled: its pending deliveries fail with `reason`. */
  failChannel(channel: string, reason: string): Promise<number> {
    return this.database.run(
      sql`UPDATE notification_outbox SET status = 'failed', last_error = ${reason}, next_attempt_at = NULL
          WHERE channel = ${channel} AND status = 'pending'`,
    );
  }

  /** Gives claimed deliveries back untouched (shutdown), so every instance may take them at once. */
  async unclaim(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.database.run(
      sql`UPDATE notification_outbox SET claimed_by = NULL, lease_until = NULL
          WHERE status = 'pending' AND id IN (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
    );
  }

  async get(id: string): Promise<Delivery | null> {
    const [row] = await this.select(sql`id = ${id}`);
    return row ?? null;
  }

  /** Every delivery of these incidents, oldest first. */
  forIncidents(incidentIds: readonly string[]): Promise<Delivery[]> {
    if (incidentIds.length === 0) return Promise.resolve([]);
    const ids = sql.join(
      incidentIds.map((id) => sql`${id}`),
      sql`, `,
    );
    return this.select(sql`incident_id IN (${ids})`, sql`ORDER BY created_at, id`);
  }

  /** The earliest time a pending delivery is due, or null when none is pending. */
  async nextDue(): Promise<Date | null> {
    const [row] = await this.database.all<{ due: unknown }>(
      sql`SELECT MIN(next_attempt_at) AS due FROM notification_outbox WHERE status = 'pending'`,
    );
    return row?.due === null || row?.due === undefined ? null : this.database.readTime(row.due);
  }

  /** Suppressed `incident.opened` deliveries still waiting: their silence may end while the incident is open. */
  awaitingRelease(limit: number): Promise<Delivery[]> {
    return this.select(
      sql`status = 'suppressed' AND type = 'incident.opened' AND released_at IS NULL`,
      sql`ORDER BY created_at, id LIMIT ${limit}`,
    );
  }

  /**
   * Marks suppressed deliveries released for `claimant` and answers those it won: with several
   * instances sweeping, each release (and so each late notification) happens once.
   */
  async release(ids: readonly string[], claimant: string, now: Date): Promise<Delivery[]> {
    if (ids.length === 0) return [];
    const list = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    await this.database.run(
      sql`UPDATE notification_outbox SET released_at = ${now}, claimed_by = ${claimant}
          WHERE id IN (${list}) AND status = 'suppressed' AND released_at IS NULL`,
    );
    return this.select(sql`id IN (${list}) AND claimed_by = ${claimant} AND status = 'suppressed'`);
  }

  /** The incident resolved: its suppressed opening needs no late notification any more. */
  async settle(incidentId: string, now: Date): Promise<void> {
    await this.database.run(
      sql`UPDATE notification_outbox SET released_at = ${now}
          WHERE incident_id = ${incidentId} AND status = 'suppressed' AND released_at IS NULL`,
    );
  }

  /**
   * Deletes finished deliveries created before `before`; returns how many. Pending ones are kept,
   * and so are those of an incident still open or resolved since (its notifications stay listed
   * on it for as long as it is kept).
   */
  deleteFinishedBefore(before: Date): Promise<number> {
    return this.database.run(
      sql`DELETE FROM notification_outbox
          WHERE created_at < ${before} AND status <> 'pending'
            AND incident_id NOT IN (
              SELECT id FROM incidents WHERE state = 'open' OR resolved_at >= ${before})`,
    );
  }

  private finish(id: string, claimant: string, changes: SQL): Promise<void> {
    return this.write(
      sql`UPDATE notification_outbox SET ${changes}, attempts = attempts + 1, claimed_by = NULL, lease_until = NULL
          WHERE id = ${id} AND claimed_by = ${claimant}`,
    );
  }

  /**
   * Outcomes are written in batches: those recorded while a write is running go together in
   * the next transaction, so a busy outbox costs one commit per batch rather than per delivery.
   */
  private write(statement: SQL): Promise<void> {
    return new Promise((resolve, reject) => {
      this.writes.push({ statement, resolve, reject });
      if (!this.writing) void this.flushWrites();
    });
  }

  private async flushWrites(): Promise<void> {
    this.writing = true;
    try {
      while (this.writes.length > 0) {
        // Let the outcomes of this turn of the event loop join the batch.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.writes.splice(0, WRITE_BATCH);
        try {
          await this.database.atomically(batch.map((write) => write.statement));
          for (const write of batch) write.resolve();
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async select(where: SQL, tail: SQL = sql`ORDER BY next_attempt_at, id`): Promise<Delivery[]> {
    const rows = await this.database.all(sql`SELECT * FROM notification_outbox WHERE ${where} ${tail}`);
    return rows.map((row) => this.read(row));
  }

  private read(row: Record<string, unknown>): Delivery {
    const time = (value: unknown) =>
      value === null || value === undefined ? null : this.database.readTime(value);
    return {
      id: String(row.id),
      incidentId: String(row.incident_id),
      source: String(row.source),
      kind: String(row.kind) as IncidentKind,
      channel: String(row.channel),
      type: String(row.type) as NotificationType,
      status: String(row.status) as NotificationStatus,
      payload: String(row.payload),
      attempts: Number(row.attempts),
      lastError: readNullableString(row.last_error),
      createdAt: this.database.readTime(row.created_at),
      nextAttemptAt: time(row.next_attempt_at),
      sentAt: time(row.sent_at),
    };
  }
}

function isLockConflict(error: unknown): boolean {
  return errorChain(error).some(
    (record) =>
      (typeof record.errno === "number" && DEADLOCK_ERRNOS.has(record.errno)) ||
      record.code === "SQLITE_BUSY",
  );
}
