// The sources the database knows, cached briefly: the skip scan is cheap but /sources may be
// polled by many dashboards at once.
import { type Database, type KnownSource, knownSources } from "@scrapewatch/db";

export class SourceDirectory {
  private cached: { at: number; value: Promise<KnownSource[]> } | null = null;

  constructor(
    private readonly database: Database,
    private readonly ttlMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Promise<KnownSource[]> {
    if (!this.cached || this.now() - this.cached.at > this.ttlMs) {
      const value = knownSources(this.database);
      this.cached = { at: this.now(), value };
      // A failed read is not kept: the next request tries again.
      value.catch(() => {
        if (this.cached?.value === value) this.cached = null;
      });
    }
    return this.cached.value;
  }
}
