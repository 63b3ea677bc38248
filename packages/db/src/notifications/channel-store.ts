// Notification channels, by name. The secret is stored (it signs every request) and handed only
// to the delivery side; the API maps a channel to `hasSecret`.
import type { ChannelType, IncidentKind } from "@scrapewatch/protocol";
import { sql } from "drizzle-orm";
import type { StorageDialect } from "../storage-dialect.ts";
import { readList, readNullableString, writeList } from "./stored-json.ts";

export interface StoredChannel {
  name: string;
  type: ChannelType;
  url: string | null;
  to: string[] | null;
  secret: string | null;
  sources: string[] | null;
  kinds: IncidentKind[] | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ChannelFields = Omit<StoredChannel, "name" | "createdAt" | "updatedAt">;

export class DuplicateChannelError extends Error {
  constructor(readonly channel: string) {
    super(`a channel named ${channel} exists`);
  }
}

export class ChannelStore {
  constructor(private readonly database: StorageDialect) {}

  async list(): Promise<StoredChannel[]> {
    const rows = await this.database.all(sql`SELECT * FROM notification_channels ORDER BY name`);
    return rows.map((row) => this.read(row));
  }

  async get(name: string): Promise<StoredChannel | null> {
    const rows = await this.database.all(sql`SELECT * FROM notification_channels WHERE name = ${name}`);
    const row = rows[0];
    return row ? this.read(row) : null;
  }

  /** Throws DuplicateChannelError when the name is taken. */
  async create(name: string, fields: ChannelFields, now = new Date()): Promise<StoredChannel> {
    try {
      await this.database.run(
        sql`INSERT INTO notification_channels (name, type, url, to_addresses, secret, sources, kinds, enabled, created_at, updated_at)
            VALUES (${name}, ${fields.type}, ${fields.url}, ${writeList(fields.to)}, ${fields.secret},
                    ${writeList(fields.sources)}, ${writeList(fields.kinds)}, ${fields.enabled ? 1 : 0}, ${now}, ${now})`,
      );
    } catch (error) {
      // The primary key refused it (or the database is away): tell the two apart by looking.
      if (await this.get(name).catch(() => null)) throw new DuplicateChannelError(name);
      throw error;
    }
    return { name, ...fields, createdAt: now, updatedAt: now };
  }

  /** Replaces the channel's fields; null when there is no such channel. */
  async update(name: string, fields: ChannelFields, now = new Date()): Promise<StoredChannel | null> {
    const matched = await this.database.run(
      sql`UPDATE notification_channels SET type = ${fields.type}, url = ${fields.url},
            to_addresses = ${writeList(fields.to)}, secret = ${fields.secret}, sources = ${writeList(fields.sources)},
            kinds = ${writeList(fields.kinds)}, enabled = ${fields.enabled ? 1 : 0}, updated_at = ${now}
          WHERE name = ${name}`,
    );
    return matched > 0 ? this.get(name) : null;
  }

  /** Creates or replaces (ALERT_WEBHOOK_URL's `default` channel at start-up). */
  async put(name: string, fields: ChannelFields, now = new Date()): Promise<StoredChannel> {
    const updated = await this.update(name, fields, now);
    if (updated) return updated;
    try {
      return await this.create(name, fields, now);
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof DuplicateChannelError)) throw error;
      return (await this.update(name, fields, now)) ?? this.create(name, fields, now);
    }
  }

  /** False when there was no such channel. */
  async delete(name: string): Promise<boolean> {
    return (await this.database.run(sql`DELETE FROM notification_channels WHERE name = ${name}`)) > 0;
  }

  private read(row: Record<string, unknown>): StoredChannel {
    return {
      name: String(row.name),
      type: String(row.type) as ChannelType,
      url: readNullableString(row.url),
      to: readList(row.to_addresses),
      secret: readNullableString(row.secret),
      sources: readList(row.sources),
      kinds: readList<IncidentKind>(row.kinds),
      enabled: Boolean(Number(row.enabled)),
      createdAt: this.database.readTime(row.created_at),
      updatedAt: this.database.readTime(row.updated_at),
    };
  }
}
