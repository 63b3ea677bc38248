// Builds the notification side from the environment: channel, silence and outbox stores, the
// senders, the delivery worker, the silence release sweep, and the IncidentNotifier the monitors
// side calls. ALERT_WEBHOOK_URL becomes the `default` channel here.
import {
  ChannelStore,
  type Database,
  DeliveryOutbox,
  type Delivery,
  SilenceStore,
  type StoredChannel,
} from "@scrapewatch/db";
import { ChannelInput } from "@scrapewatch/protocol";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { EventIdGenerator } from "../pipeline/event-ids.ts";
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { ChannelDirectory } from "./channel-directory.ts";
import { Channels } from "./channels.ts";
import { type DeliveryOutcome, DeliveryWorker } from "./delivery-worker.ts";
import type { IncidentNotifier } from "../monitors/notifier.ts";
import { OutboxIncidentNotifier } from "./incident-notifier.ts";
import { ChannelSenders } from "./senders/channel-senders.ts";
import { EmailSender } from "./senders/email.ts";
import { SilenceRelease } from "./silence-release.ts";
import { Silences } from "./silences.ts";

export type NotificationEnv = Pick<
  Env,
  | "ALERT_WEBHOOK_URL"
  | "ALERT_WEBHOOK_SECRET"
  | "SMTP_URL"
  | "ALERT_EMAIL_FROM"
  | "DELIVERY_CONCURRENCY"
  | "DELIVERY_MAX_IN_FLIGHT"
  | "DELIVERY_TIMEOUT_MS"
  | "DELIVERY_POLL_MS"
  | "DELIVERY_RETRY_HOURS"
>;

export interface Notifications {
  /** What the monitors side calls on each incident transition. */
  notifier: IncidentNotifier;
  channels: Channels;
  silences: Silences;
  worker: DeliveryWorker;
  /** Sends suppressed openings whose silence has ended (also runs every DELIVERY_POLL_MS). */
  release: SilenceRelease;
  /** Stops sending: attempts in flight get `graceMs`, then are aborted and their claims given back. */
  stop(graceMs: number): Promise<void>;
}

export interface NotificationOptions {
  env: NotificationEnv;
  database: Database;
  logger: Logger;
  /**
   * Each attempt's outcome, and each delivery recorded as suppressed (for Prometheus:
   * `scrapewatch_notifications_total{channel_type, outcome}`).
   */
  onOutcome?(outcome: DeliveryOutcome | "suppressed", channel: StoredChannel, delivery: Delivery): void;
}

export async function startNotifications(options: NotificationOptions): Promise<Notifications> {
  const { env, database } = options;
  const logger = options.logger.child({ component: "notifications" });
  const ids = new EventIdGenerator();
  const outbox = new DeliveryOutbox(database);
  const directory = new ChannelDirectory(new ChannelStore(database), env.DELIVERY_POLL_MS);
  const senders = new ChannelSenders(
    new EmailSender({ smtpUrl: env.SMTP_URL, from: env.ALERT_EMAIL_FROM }),
    env.DELIVERY_TIMEOUT_MS,
  );
  const worker = new DeliveryWorker({
    outbox,
    channels: directory,
    send: (channel, notification, signal) => senders.send(channel, notification, signal),
    logger,
    perChannel: env.DELIVERY_CONCURRENCY,
    maxInFlight: env.DELIVERY_MAX_IN_FLIGHT,
    pollMs: env.DELIVERY_POLL_MS,
    leaseMs: Math.max(60_000, 3 * env.DELIVERY_TIMEOUT_MS),
    backoff: { ...DEFAULT_BACKOFF, windowMs: env.DELIVERY_RETRY_HOURS * 3_600_000 },
    onOutcome: options.onOutcome,
  });
  const kick = (channels: string[]) => {
    for (const channel of channels) worker.kick(channel);
  };
  const silences = new Silences(new SilenceStore(database), ids, () => void release.sweep());
  const release = new SilenceRelease({
    outbox,
    silences,
    channels: directory,
    ids,
    logger,
    onReleased: kick,
  });
  const channels = new Channels({ store: new ChannelStore(database), directory, outbox, senders, ids });
  const notifier = new OutboxIncidentNotifier({
    outbox,
    channels: directory,
    silences,
    ids,
    onPending: kick,
  });

  if (env.ALERT_WEBHOOK_URL) {
    await channels.put(
      ChannelInput.parse({
        name: "default",
        type: "webhook",
        url: env.ALERT_WEBHOOK_URL,
        secret: env.ALERT_WEBHOOK_SECRET ?? null,
      }),
    );
    logger.info("webhook channel `default` set from ALERT_WEBHOOK_URL", {
      signed: env.ALERT_WEBHOOK_SECRET !== undefined,
    });
  }

  worker.start();
  const sweep = setInterval(() => void release.sweep(), env.DELIVERY_POLL_MS);
  sweep.unref();
  return {
    notifier,
    channels,
    silences,
    worker,
    release,
    async stop(graceMs) {
      clearInterval(sweep);
      await worker.stop(graceMs);
      await release.sweep();
      senders.close();
    },
  };
}
