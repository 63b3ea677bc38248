// Silences (maintenance windows): stored with their window; "active" is decided against a time.
import type { IncidentKind } from "@scrapewatch/protocol";
import { sql } from "drizzle-orm";
import type { StorageDialect } from "../storage-dialect.ts";
import { readList, writeList } from "./stored-json.ts";

export interface StoredSilence {
  id: string;
  sources: string[] | null;
  kinds: IncidentKind[] | null;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdAt: Date;
}

export interface SilenceListQuery {
  /** true: only silences in force at `now`; false: only those not (ended or not yet started). */
  active?: boolean;
  now: Date;
  limit: number;
}

export class SilenceStore {
  constructor(private readonly database: StorageDialect) {}

  async create(silence: StoredSilence): Promise<void> {
    await this.database.run(
      sql`INSERT INTO silences (id, sources, kinds, starts_at, ends_at, reason, created_at)
          VALUES (${silence.id}, ${writeList(silence.sources)}, ${writeList(silence.kinds)},
                  ${silence.startsAt}, ${silence.endsAt}, ${silence.reason}, ${silence.createdAt})`,
    );
  }

  async get(id: string): Promise<StoredSilence | null> {
    const rows = await this.database.all(sql`SELECT * FROM silences WHERE id = ${id}`);
    const row = rows[0];
    return row ? this.read(row) : null;
  }

  /** Newest first. */
  async list(query: SilenceListQuery): Promise<StoredSilence[]> {
    const now = query.now;
    const filter =
      query.active === undefined
        ? sql``
        : query.active
          ? sql`WHERE starts_at <= ${now} AND ends_at > ${now}`
          : sql`WHERE starts_at > ${now} OR ends_at <= ${now}`;
    const rows = await this.database.all(
      sql`SELECT * FROM silences ${filter} ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`,
    );
    return rows.map((row) => this.read(row));
  }

  /** Silences in force at `now`: the few a transition is matched against. */
  active(now: Date): Promise<StoredSilence[]> {
    return this.list({ active: true, now, limit: 10_000 });
  }

  /** Ends the silence at `now` (a future one never starts); null when there is no such silence. */
  async end(id: string, now: Date): Promise<StoredSilence | null> {
    const t = now;
    await this.database.run(
      sql`UPDATE silences SET ends_at = ${t},
            starts_at = CASE WHEN starts_at > ${t} THEN ${t} ELSE starts_at END
          WHERE id = ${id} AND ends_at > ${t}`,
    );
    return this.get(id);
  }

  private read(row: Record<string, unknown>): StoredSilence {
    const t = (value: unknown) => this.database.readTime(value);
    return {
      id: String(row.id),
      sources: readList(row.sources),
      kinds: readList<IncidentKind>(row.kinds),
      startsAt: t(row.starts_at),
      endsAt: t(row.ends_at),
      reason: String(row.reason ?? ""),
      createdAt: t(row.created_at),
    };
  }
}
