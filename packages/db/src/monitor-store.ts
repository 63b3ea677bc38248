// Stored monitor settings (what PUT /api/v1/monitors/{source} gave) and monitor state (what the
// monitors learned and track: rhythm, running runs, recent outcomes). Both are JSON text per
// source; the server parses and validates them, this store only keeps them.
import { sql } from "drizzle-orm";
import type { StorageDialect } from "./storage-dialect.ts";

export interface StoredMonitorSettings {
  source: string;
  /** JSON of MonitorSettings. */
  settings: string;
  /** When the current schedule was set (missed runs count from here); null without a schedule. */
  scheduleSetAt: Date | null;
  updatedAt: Date;
}

export interface StoredMonitorState {
  source: string;
  kind: string;
  /** JSON of the server's monitor state. */
  state: string;
  updatedAt: Date;
}

export class MonitorStore {
  constructor(private readonly database: StorageDialect) {}

  async listSettings(): Promise<StoredMonitorSettings[]> {
    const rows = await this.database.all<Record<string, unknown>>(
      sql`SELECT source, settings, schedule_set_at, updated_at FROM monitor_settings ORDER BY source`,
    );
    return rows.map((row) => ({
      source: String(row.source),
      settings: String(row.settings),
      scheduleSetAt: this.optionalTime(row.schedule_set_at),
      updatedAt: this.database.readTime(row.updated_at),
    }));
  }

  async putSettings(entry: StoredMonitorSettings): Promise<void> {
    await this.database.upsert(
      "monitor_settings",
      ["source"],
      [
        {
          source: entry.source,
          settings: entry.settings,
          schedule_set_at: entry.scheduleSetAt,
          updated_at: entry.updatedAt,
        },
      ],
    );
  }

  async deleteSettings(source: string): Promise<void> {
    await this.database.run(sql`DELETE FROM monitor_settings WHERE source = ${source}`);
  }

  async listStates(): Promise<StoredMonitorState[]> {
    const rows = await this.database.all<Record<string, unknown>>(
      sql`SELECT source, kind, state, updated_at FROM monitor_state`,
    );
    return rows.map((row) => ({
      source: String(row.source),
      kind: String(row.kind),
      state: String(row.state),
      updatedAt: this.database.readTime(row.updated_at),
    }));
  }

  /** Upserts many states (the evaluator saves what changed every few seconds). */
  async saveStates(states: readonly StoredMonitorState[]): Promise<void> {
    for (let i = 0; i < states.length; i += 200) {
      await this.database.upsert(
        "monitor_state",
        ["source"],
        states
          .slice(i, i + 200)
          .map((s) => ({ source: s.source, kind: s.kind, state: s.state, updated_at: s.updatedAt })),
      );
    }
  }

  private optionalTime(value: unknown): Date | null {
    return value === null || value === undefined ? null : this.database.readTime(value);
  }
}
