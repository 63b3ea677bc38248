// The channels as the delivery side reads them: from the database, cached briefly, since every
// delivery round looks them up and they change rarely. Changes made on this instance are seen at
// once; another instance's within `refreshMs`. Transitions read them fresh (`current`).
import type { ChannelStore, StoredChannel } from "@scrapewatch/db";

export class ChannelDirectory {
  private cached: { at: number; channels: StoredChannel[] } | null = null;
  private loading: { generation: number; channels: Promise<StoredChannel[]> } | null = null;
  /** Bumped by every change: a load that started before it must not be cached after it. */
  private generation = 0;

  constructor(
    private readonly store: ChannelStore,
    private readonly refreshMs: number,
  ) {}

  async all(): Promise<StoredChannel[]> {
    if (this.cached && Date.now() - this.cached.at < this.refreshMs) return this.cached.channels;
    // One query however many callers ask at once (and none of them gets a list older than a change).
    if (this.loading?.generation !== this.generation) {
      const generation = this.generation;
      const channels = this.store.list().then((list) => {
        if (generation === this.generation) this.cached = { at: Date.now(), channels: list };
        return list;
      });
      const loading = { generation, channels };
      this.loading = loading;
      channels
        .finally(() => {
          if (this.loading === loading) this.loading = null;
        })
        .catch(() => {});
    }
    return this.loading.channels;
  }

  /** Straight from the database: what a transition is matched against. */
  async current(): Promise<StoredChannel[]> {
    const generation = this.generation;
    const channels = await this.store.list();
    if (generation === this.generation) this.cached = { at: Date.now(), channels };
    return channels;
  }

  /** The channel, looked up again in the database when the cache does not know it. */
  async get(name: string): Promise<StoredChannel | null> {
    const known = (await this.all()).find((channel) => channel.name === name);
    if (known) return known;
    return (await this.current()).find((channel) => channel.name === name) ?? null;
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = null;
  }
}
