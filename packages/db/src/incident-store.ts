// Stored incidents. While an incident is open its `open_key` (source, kind, key) is set, and a
// unique index on it makes "one open incident per (source, kind, key)" hold in the database
// itself, whichever instance tries to open one. Ids are time-ordered: newest first is id order.
import { type SQL, sql } from "drizzle-orm";
import type { StorageDialect } from "./storage-dialect.ts";

export interface StoredIncident {
  id: string;
  source: string;
  kind: string;
  key: string;
  state: "open" | "resolved";
  openedAt: Date;
  resolvedAt: Date | null;
  summary: string;
  details: Record<string, unknown>;
  silenced: boolean;
}

export interface IncidentQuery {
  state?: "open" | "resolved";
  source?: string;
  kind?: string;
  /** Only incidents older than this id (the previous page's last). */
  after?: string;
  limit: number;
}

const INCIDENT_COLUMNS = [
  "id",
  "source",
  "kind",
  "incident_key",
  "state",
  "open_key",
  "opened_at",
  "resolved_at",
  "summary",
  "details",
  "silenced",
];

export function openKey(source: string, kind: string, key: string): string {
  return `${source}\u001f${kind}\u001f${key}`;
}

export class IncidentStore {
  constructor(private readonly database: StorageDialect) {}

  /**
   * Opens an incident unless one is already open for its (source, kind, key); answers the open
   * one either way (`created` says whether it is this one).
   */
  async open(incident: StoredIncident): Promise<{ incident: StoredIncident; created: boolean }> {
    const key = openKey(incident.source, incident.kind, incident.key);
    await this.database.insertIgnore("incidents", INCIDENT_COLUMNS, [
      [
        incident.id,
        incident.source,
        incident.kind,
        incident.key,
        "open",
        key,
        incident.openedAt,
        null,
        incident.summary,
        JSON.stringify(incident.details),
        incident.silenced ? 1 : 0,
      ],
    ]);
    const [stored] = await this.select(sql`WHERE open_key = ${key}`, 1);
    if (!stored) throw new Error(`incident ${incident.id} was neither stored nor found open`);
    return { incident: stored, created: stored.id === incident.id };
  }

  /** Resolves an open incident; answers it resolved, or null when it was not open. */
  async resolve(id: string, at: Date, details?: Record<string, unknown>): Promise<StoredIncident | null> {
    const [before] = await this.select(sql`WHERE id = ${id} AND state = 'open'`, 1);
    if (!before) return null;
    const detailsSet = details ? sql`, details = ${JSON.stringify(details)}` : sql``;
    const changed = await this.database.run(
      sql`UPDATE incidents SET state = 'resolved', open_key = NULL, resolved_at = ${at}${detailsSet} WHERE id = ${id} AND state = 'open'`,
    );
    if (changed === 0) return null;
    return { ...before, state: "resolved", resolvedAt: at, details: details ?? before.details };
  }

  /** Deletes incidents resolved before `before` (open ones stay, however old); returns how many. */
  deleteResolvedBefore(before: Date): Promise<number> {
    return this.database.run(sql`DELETE FROM incidents WHERE state = 'resolved' AND resolved_at < ${before}`);
  }

  async get(id: string): Promise<StoredIncident | null> {
    const [row] = await this.select(sql`WHERE id = ${id}`, 1);
    return row ?? null;
  }

  async listOpen(): Promise<StoredIncident[]> {
    return this.select(sql`WHERE state = 'open'`, 100_000, "ASC");
  }

  /** Newest first. */
  async list(query: IncidentQuery): Promise<StoredIncident[]> {
    const where: SQL[] = [];
    if (query.state) where.push(sql`state = ${query.state}`);
    if (query.source) where.push(sql`source = ${query.source}`);
    if (query.kind) where.push(sql`kind = ${query.kind}`);
    if (query.after) where.push(sql`id < ${query.after}`);
    const clause = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
    return this.select(clause, query.limit);
  }

  private async select(
    clause: SQL,
    limit: number,
    order: "ASC" | "DESC" = "DESC",
  ): Promise<StoredIncident[]> {
    const rows = await this.database.all<Record<string, unknown>>(
      sql`SELECT * FROM incidents ${clause} ORDER BY id ${sql.raw(order)} LIMIT ${limit}`,
    );
    return rows.map((row) => this.toIncident(row));
  }

  private toIncident(row: Record<string, unknown>): StoredIncident {
    return {
      id: String(row.id),
      source: String(row.source),
      kind: String(row.kind),
      key: String(row.incident_key),
      state: row.state === "resolved" ? "resolved" : "open",
      openedAt: this.database.readTime(row.opened_at),
      resolvedAt:
        row.resolved_at === null || row.resolved_at === undefined
          ? null
          : this.database.readTime(row.resolved_at),
      summary: String(row.summary),
      details: parseDetails(row.details),
      silenced: Boolean(Number(row.silenced)),
    };
  }
}

function parseDetails(value: unknown): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(String(value));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
