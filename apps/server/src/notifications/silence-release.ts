// "An incident still open when the silence ends is notified then": a suppressed incident.opened
// with no resolution after it waits in the outbox; once no silence matches it any more, it is
// released (by exactly one instance) as a new pending delivery to the same channel.
import { randomBytes } from "node:crypto";
import type { DeliveryOutbox } from "@scrapewatch/db";
import type { Logger } from "../logger.ts";
import type { EventIdGenerator } from "../pipeline/event-ids.ts";
import type { ChannelDirectory } from "./channel-directory.ts";
import { silenceMatches } from "./matching.ts";
import type { Silences } from "./silences.ts";

const SWEEP_ROWS = 500;

export class SilenceRelease {
  private readonly instance = randomBytes(6).toString("hex");
  private sweeps = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly options: {
      outbox: DeliveryOutbox;
      silences: Silences;
      channels: ChannelDirectory;
      ids: EventIdGenerator;
      logger: Logger;
      /** New pending deliveries for these channels. */
      onReleased(channels: string[]): void;
    },
  ) {}

  /** Releases what no silence holds any more; one sweep at a time per instance. */
  sweep(): Promise<void> {
    this.running ??= this.releaseDue()
      .catch((error: unknown) =>
        this.options.logger.warn("could not release silenced notifications", { err: error }),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async releaseDue(): Promise<void> {
    const { outbox, silences, channels, ids } = this.options;
    const waiting = await outbox.awaitingRelease(SWEEP_ROWS);
    if (waiting.length === 0) return;
    const now = new Date();
    const active = await silences.active(now);
    const free = waiting.filter((d) => !active.some((silence) => silenceMatches(silence, d.source, d.kind)));
    const won = await outbox.release(
      free.map((d) => d.id),
      `release-${this.instance}-${++this.sweeps}`,
      now,
    );
    const enabled = new Set((await channels.all()).filter((c) => c.enabled).map((c) => c.name));
    const late = won
      .filter((d) => enabled.has(d.channel))
      .map((d) => ({ ...d, id: ids.next(), status: "pending" as const, createdAt: now }));
    await outbox.insert(late);
    if (late.length > 0) this.options.onReleased([...new Set(late.map((d) => d.channel))]);
  }
}
