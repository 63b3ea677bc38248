// Discord channel: a webhook message, `content` plus an embed with the facts. Mentions are
// disabled, so a source named "@everyone" pings nobody.
import type { StoredChannel } from "@scrapewatch/db";
import { postJson } from "./http-post.ts";
import { notificationText, truncate } from "./message.ts";
import type { OutgoingNotification, SendOptions, SendResult } from "./types.ts";

export function discordBody(notification: OutgoingNotification): Record<string, unknown> {
  const words = notificationText(notification);
  return {
    content: truncate(`${words.headline} — ${words.summary}`, 2000),
    embeds: [
      {
        title: truncate(words.headline, 256),
        description: truncate(words.summary, 4096),
        color: words.color,
        fields: words.facts
          .slice(0, 25)
          .map(([name, value]) => ({ name, value: truncate(value, 1024), inline: true })),
        footer: { text: `Scrapewatch delivery ${notification.id}` },
        timestamp: new Date().toISOString(),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

export function sendDiscord(
  channel: StoredChannel,
  notification: OutgoingNotification,
  options: SendOptions,
): Promise<SendResult> {
  return postJson(channel.url ?? "", JSON.stringify(discordBody(notification)), {}, options);
}
