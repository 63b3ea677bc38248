// Carries what the evaluating instance decides to every instance: incident transitions (each
// instance streams them to its own subscribers, once) and monitor settings changed by a PUT on
// any instance. Through Redis pub/sub when REDIS_URL is set; in-process otherwise. The origin
// hands its own messages to its listeners directly and skips their echo.
import { randomUUID } from "node:crypto";
import type { IncidentEvent } from "@scrapewatch/protocol";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

export interface SettingsChange {
  source: string;
  /** JSON of the stored settings, or null: back to defaults. */
  settings: string | null;
  scheduleSetAt: number | null;
}

export type MonitorMessage =
  | { type: "incident"; event: IncidentEvent }
  | { type: "settings"; change: SettingsChange };

export interface MonitorBroadcast {
  publish(message: MonitorMessage): void;
  onMessage(listener: (message: MonitorMessage) => void): void;
  close(): Promise<void>;
}

export class LocalMonitorBroadcast implements MonitorBroadcast {
  private readonly listeners = new Set<(message: MonitorMessage) => void>();

  publish(message: MonitorMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  onMessage(listener: (message: MonitorMessage) => void): void {
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

export class RedisMonitorBroadcast implements MonitorBroadcast {
  private readonly local = new LocalMonitorBroadcast();
  private readonly origin = randomUUID();
  private readonly channel: string;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}:monitors`;
    subscriber.on("message", (channel: string, text: string) => {
      if (channel !== this.channel) return;
      try {
        const parsed = JSON.parse(text) as { origin: string; message: MonitorMessage };
        if (parsed.origin !== this.origin) this.local.publish(parsed.message);
      } catch (error) {
        this.logger.warn("unreadable monitor message on Redis", { err: error });
      }
    });
  }

  static async connect(
    url: string,
    prefix: string,
    publisher: Redis,
    logger: Logger,
  ): Promise<RedisMonitorBroadcast> {
    const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    subscriber.on("error", () => {});
    await subscriber.connect();
    const broadcast = new RedisMonitorBroadcast(publisher, subscriber, prefix, logger);
    await subscriber.subscribe(broadcast.channel);
    return broadcast;
  }

  publish(message: MonitorMessage): void {
    this.local.publish(message);
    this.publisher
      .publish(this.channel, JSON.stringify({ origin: this.origin, message }))
      .catch((error: unknown) =>
        this.logger.warn("could not tell the other instances about a monitor change", { err: error }),
      );
  }

  onMessage(listener: (message: MonitorMessage) => void): void {
    this.local.onMessage(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}
