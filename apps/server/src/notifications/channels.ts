// Channels as the API manages them: secrets go in and never come out (hasSecret), a change that
// disables or deletes a channel fails what it still had pending, and a test sends right now.
import type { ChannelFields, ChannelStore, DeliveryOutbox, StoredChannel } from "@scrapewatch/db";
import { type Channel, ChannelInput, type ChannelTestResult } from "@scrapewatch/protocol";
import type { z } from "zod";
import type { EventIdGenerator } from "../pipeline/event-ids.ts";
import type { ChannelDirectory } from "./channel-directory.ts";
import type { ChannelSenders } from "./senders/channel-senders.ts";
import { sampleIncident, sampleMonitor } from "./test-notification.ts";

type ChannelRequest = z.output<typeof ChannelInput>;
/** ChannelPatch after parsing: only the fields given. */
type ChannelChanges = Partial<Omit<ChannelRequest, "name">>;

/** The merged channel does not hold together (e.g. a type change without a url). */
export class InvalidChannelError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class Channels {
  constructor(
    private readonly options: {
      store: ChannelStore;
      directory: ChannelDirectory;
      outbox: DeliveryOutbox;
      senders: ChannelSenders;
      ids: EventIdGenerator;
    },
  ) {}

  async list(): Promise<Channel[]> {
    return (await this.options.store.list()).map(toChannel);
  }

  async get(name: string): Promise<Channel | null> {
    const channel = await this.options.store.get(name);
    return channel ? toChannel(channel) : null;
  }

  /** Throws DuplicateChannelError when the name is taken. */
  async create(request: ChannelRequest): Promise<Channel> {
    const created = await this.options.store.create(request.name, fieldsOf(request));
    this.options.directory.invalidate();
    return toChannel(created);
  }

  /** Creates or replaces the channel (ALERT_WEBHOOK_URL's `default` at start-up). */
  async put(request: ChannelRequest): Promise<Channel> {
    const stored = await this.options.store.put(request.name, fieldsOf(request));
    this.options.directory.invalidate();
    return toChannel(stored);
  }

  /** Applies the changes; null when there is no such channel. Throws InvalidChannelError. */
  async update(name: string, changes: ChannelChanges): Promise<Channel | null> {
    const existing = await this.options.store.get(name);
    if (!existing) return null;
    const merged = { name, ...fieldsOf(existing), ...changes };
    const checked = ChannelInput.safeParse(merged);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InvalidChannelError(issue?.path.join(".") ?? "", issue?.message ?? "invalid channel");
    }
    const updated = await this.options.store.update(name, fieldsOf(checked.data));
    this.options.directory.invalidate();
    if (updated && !updated.enabled) await this.options.outbox.failChannel(name, "channel disabled");
    return updated ? toChannel(updated) : null;
  }

  /** False when there was no such channel. */
  async delete(name: string): Promise<boolean> {
    const deleted = await this.options.store.delete(name);
    this.options.directory.invalidate();
    if (deleted) await this.options.outbox.failChannel(name, "channel deleted");
    return deleted;
  }

  /** Sends a `test` notification now (not through the outbox); null when there is no such channel. */
  async test(name: string): Promise<ChannelTestResult | null> {
    const channel = await this.options.store.get(name);
    if (!channel) return null;
    const now = new Date();
    const result = await this.options.senders.send(channel, {
      id: this.options.ids.next(),
      type: "test",
      incident: sampleIncident(now),
      monitor: sampleMonitor(now),
    });
    return result.delivered
      ? { delivered: true, status: result.status, error: null }
      : { delivered: false, status: result.status, error: result.error };
  }
}

function fieldsOf(channel: Omit<ChannelRequest, "name"> | StoredChannel): ChannelFields {
  return {
    type: channel.type,
    url: channel.url ?? null,
    to: channel.to ?? null,
    secret: channel.secret ?? null,
    sources: channel.sources ?? null,
    kinds: channel.kinds ?? null,
    enabled: channel.enabled ?? true,
  };
}

export function toChannel(channel: StoredChannel): Channel {
  return {
    name: channel.name,
    type: channel.type,
    url: channel.url,
    to: channel.to,
    hasSecret: channel.secret !== null,
    sources: channel.sources,
    kinds: channel.kinds,
    enabled: channel.enabled,
    createdAt: channel.createdAt.toISOString(),
  };
}
