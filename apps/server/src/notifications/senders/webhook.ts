// Webhook channel: the notification as JSON, with its delivery id and (with a secret) a signature.
import type { StoredChannel } from "@scrapewatch/db";
import { signatureHeader } from "../signature.ts";
import { postJson } from "./http-post.ts";
import type { OutgoingNotification, SendOptions, SendResult } from "./types.ts";

export function webhookBody(notification: OutgoingNotification, sentAt: Date): string {
  return JSON.stringify({
    id: notification.id,
    type: notification.type,
    sentAt: sentAt.toISOString(),
    incident: notification.incident,
    monitor: notification.monitor,
  });
}

export function sendWebhook(
  channel: StoredChannel,
  notification: OutgoingNotification,
  options: SendOptions,
): Promise<SendResult> {
  const now = new Date();
  const body = webhookBody(notification, now);
  const headers: Record<string, string> = {
    "x-scrapewatch-delivery": notification.id,
    "x-scrapewatch-event": notification.type,
  };
  if (channel.secret) {
    headers["x-scrapewatch-signature"] = signatureHeader(
      channel.secret,
      body,
      Math.floor(now.getTime() / 1000),
    );
  }
  return postJson(channel.url ?? "", body, headers, options);
}
