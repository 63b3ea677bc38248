// Sends what the outbox holds. Each round claims, per enabled channel, as many due deliveries as
// that channel has free slots (DELIVERY_CONCURRENCY), within a bound on everything in flight
// (DELIVERY_MAX_IN_FLIGHT), and starts them without awaiting one another: a receiver that hangs
// holds its own channel's slots until the timeout, never another channel, ingest or streams.
import { randomBytes } from "node:crypto";
import type { Delivery, DeliveryOutbox, StoredChannel } from "@scrapewatch/db";
import type { Logger } from "../logger.ts";
import { type BackoffPolicy, retryDelayMs } from "./backoff.ts";
import type { ChannelDirectory } from "./channel-directory.ts";
import { readPayload } from "./payload.ts";
import type { OutgoingNotification, SendResult } from "./senders/types.ts";

export type DeliveryOutcome = "sent" | "retry" | "failed";

export interface DeliveryWorkerOptions {
  outbox: DeliveryOutbox;
  channels: ChannelDirectory;
  send(channel: StoredChannel, notification: OutgoingNotification, signal: AbortSignal): Promise<SendResult>;
  logger: Logger;
  /** Deliveries in flight per channel. */
  perChannel: number;
  /** Deliveries in flight in all. */
  maxInFlight: number;
  /** How often due deliveries are looked for without a nudge (retries, other instances' rows). */
  pollMs: number;
  /** How long a claim holds: longer than an attempt can take, so a live sender never loses it. */
  leaseMs: number;
  backoff: BackoffPolicy;
  onOutcome?(outcome: DeliveryOutcome, channel: StoredChannel, delivery: Delivery): void;
}

export class DeliveryWorker {
  private readonly instance = randomBytes(6).toString("hex");
  private claims = 0;
  /** Per channel: deliveries claimed and not finished (queued or being sent), and those being sent. */
  private readonly held = new Map<string, number>();
  private readonly sending = new Map<string, number>();
  private readonly queues = new Map<string, { delivery: Delivery; claimant: string }[]>();
  private total = 0;
  private readonly running = new Set<Promise<void>>();
  /** Channels whose last claim found nothing more due, with the nudge count they were idle at. */
  private readonly idle = new Map<string, number>();
  private readonly nudges = new Map<string, number>();
  private pumping = false;
  private again = false;
  private poll: NodeJS.Timeout | null = null;
  private readonly wakeups = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    this.poll = setInterval(() => this.kick(), this.options.pollMs);
    this.poll.unref();
    this.kick();
  }

  /** New or due deliveries (for one channel, or any): look now rather than at the next poll. */
  kick(channel?: string): void {
    if (channel === undefined) this.idle.clear();
    else {
      this.nudges.set(channel, (this.nudges.get(channel) ?? 0) + 1);
      this.idle.delete(channel);
    }
    this.pump();
  }

  /** Deliveries claimed by this instance and not finished (queued or being sent). */
  get inFlightCount(): number {
    return this.total;
  }

  /** Stops claiming, lets attempts in flight finish for up to `graceMs`, then aborts the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    for (const timer of this.wakeups) clearTimeout(timer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    // Claimed but not started: back to the outbox at once.
    const queued = [...this.queues.values()].flatMap((queue) => queue.splice(0));
    await this.options.outbox.unclaim(queued.map((entry) => entry.delivery.id)).catch(() => {});
    await Promise.race([Promise.allSettled([...this.running]), grace]);
    clearTimeout(timer);
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.rounds().finally(() => {
      this.pumping = false;
    });
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        const channels = await this.options.channels.all();
        await Promise.all(
          channels.filter((c) => c.enabled && !this.idle.has(c.name)).map((c) => this.claimFor(c)),
        );
      } catch (error) {
        this.options.logger.warn("could not claim notification deliveries", { err: error });
      }
    } while (this.again && !this.stopped);
  }

  private async claimFor(channel: StoredChannel): Promise<void> {
    const { perChannel, maxInFlight } = this.options;
    const held = this.held.get(channel.name) ?? 0;
    // Claims come in batches (up to twice the channel's concurrency, queued here), taken again
    // once half are done: fewer, larger claims. The lease outlasts a queue this deep.
    if (held > perChannel / 2) return;
    const free = Math.min(2 * perChannel - held, maxInFlight - this.total);
    if (free <= 0) return;
    // Slots are reserved before the claim, so channels claiming side by side never overshoot.
    this.reserve(channel.name, free);
    const nudgesBefore = this.nudges.get(channel.name) ?? 0;
    const claimant = `${this.instance}-${++this.claims}`;
    const now = Date.now();
    let rows: Delivery[] = [];
    try {
      rows = await this.options.outbox.claim(
        channel.name,
        claimant,
        new Date(now),
        new Date(now + this.options.leaseMs),
        free,
      );
    } finally {
      this.reserve(channel.name, rows.length - free);
    }
    // Nothing more due, unless a nudge for this channel came in while the claim ran.
    if (rows.length < free && (this.nudges.get(channel.name) ?? 0) === nudgesBefore)
      this.idle.set(channel.name, nudgesBefore);
    const queue = this.queues.get(channel.name) ?? [];
    for (const row of rows) queue.push({ delivery: row, claimant });
    this.queues.set(channel.name, queue);
    this.drain(channel.name);
  }

  /** Starts queued deliveries of the channel while it has free slots. */
  private drain(channel: string): void {
    const queue = this.queues.get(channel) ?? [];
    while (queue.length > 0 && (this.sending.get(channel) ?? 0) < this.options.perChannel) {
      const next = queue.shift();
      if (!next) break;
      this.sending.set(channel, (this.sending.get(channel) ?? 0) + 1);
      const done = this.deliver(next.delivery, next.claimant).finally(() => {
        this.running.delete(done);
        this.sending.set(channel, (this.sending.get(channel) ?? 1) - 1);
        this.reserve(channel, -1);
        this.drain(channel);
        // Half the batch is done: the channel may have more due (if it is not idle).
        if ((this.held.get(channel) ?? 0) <= this.options.perChannel / 2) this.pump();
      });
      this.running.add(done);
    }
  }

  /** Claimed (queued or being sent) deliveries, per channel and in all. */
  private reserve(channel: string, count: number): void {
    this.total += count;
    this.held.set(channel, (this.held.get(channel) ?? 0) + count);
  }

  private async deliver(delivery: Delivery, claimant: string): Promise<void> {
    const { outbox, logger } = this.options;
    try {
      const channel = await this.options.channels.get(delivery.channel);
      if (!channel?.enabled) {
        await outbox.abandon(delivery.id, claimant, channel ? "channel disabled" : "channel deleted");
        return;
      }
      const payload = readPayload(delivery.payload);
      const notification = { id: delivery.id, type: delivery.type, ...payload };
      const result = await this.options.send(channel, notification, this.abort.signal);
      if (!result.delivered && this.abort.signal.aborted) {
        // Shutting down: give the claim back untouched, so any instance sends it at once.
        await outbox.unclaim([delivery.id]);
        return;
      }
      await this.record(channel, delivery, claimant, result);
    } catch (error) {
      // The outcome could not be written: the lease runs out and the delivery is tried again.
      logger.warn("notification delivery not recorded", {
        delivery: delivery.id,
        channel: delivery.channel,
        err: error,
      });
    }
  }

  private async record(
    channel: StoredChannel,
    delivery: Delivery,
    claimant: string,
    result: SendResult,
  ): Promise<void> {
    const { outbox, logger, backoff } = this.options;
    const attempt = delivery.attempts + 1;
    const fields = { delivery: delivery.id, channel: channel.name, incident: delivery.incidentId, attempt };
    if (result.delivered) {
      await outbox.recordSent(delivery.id, claimant, new Date());
      logger.debug("notification sent", { ...fields, status: result.status });
      this.options.onOutcome?.("sent", channel, delivery);
      return;
    }
    const next = Date.now() + retryDelayMs(attempt, backoff, result.retryAfterMs);
    if (!result.retryable || next - delivery.createdAt.getTime() > backoff.windowMs) {
      const error = result.retryable
        ? `${result.error} (gave up after retrying for ${hours(backoff.windowMs)})`
        : result.error;
      await outbox.recordFailed(delivery.id, claimant, error);
      logger.warn("notification failed", { ...fields, error });
      this.options.onOutcome?.("failed", channel, delivery);
      return;
    }
    await outbox.recordRetry(delivery.id, claimant, result.error, new Date(next));
    logger.info("notification will be retried", {
      ...fields,
      error: result.error,
      retryAt: new Date(next).toISOString(),
    });
    this.options.onOutcome?.("retry", channel, delivery);
    this.wakeAt(next, channel.name);
  }

  private wakeAt(at: number, channel: string): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.wakeups.delete(timer);
        this.kick(channel);
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.wakeups.add(timer);
  }
}

function hours(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 1000)} s`;
}
