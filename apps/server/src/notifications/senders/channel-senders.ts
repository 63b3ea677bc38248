// One attempt at one delivery, by the channel's type.
import type { StoredChannel } from "@scrapewatch/db";
import { sendDiscord } from "./discord.ts";
import type { EmailSender } from "./email.ts";
import { sendSlack } from "./slack.ts";
import type { OutgoingNotification, SendResult } from "./types.ts";
import { sendWebhook } from "./webhook.ts";

export class ChannelSenders {
  constructor(
    private readonly email: EmailSender,
    /** DELIVERY_TIMEOUT_MS (10 s): a receiver that does not answer in time is a failed attempt. */
    private readonly timeoutMs: number,
  ) {}

  send(
    channel: StoredChannel,
    notification: OutgoingNotification,
    signal?: AbortSignal,
  ): Promise<SendResult> {
    const options = { timeoutMs: this.timeoutMs, signal };
    switch (channel.type) {
      case "webhook":
        return sendWebhook(channel, notification, options);
      case "slack":
        return sendSlack(channel, notification, options);
      case "discord":
        return sendDiscord(channel, notification, options);
      case "email":
        return this.email.send(channel, notification, options);
    }
  }

  close(): void {
    this.email.close();
  }
}
