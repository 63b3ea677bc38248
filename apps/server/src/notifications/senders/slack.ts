// Slack channel: an incoming-webhook message, `text` (what notifications and old clients show)
// plus blocks with the facts.
import type { StoredChannel } from "@scrapewatch/db";
import { postJson } from "./http-post.ts";
import { notificationText, truncate } from "./message.ts";
import type { OutgoingNotification, SendOptions, SendResult } from "./types.ts";

/** Slack's mrkdwn treats these three as control characters. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function slackBody(notification: OutgoingNotification): Record<string, unknown> {
  const words = notificationText(notification);
  const text = truncate(`${mrkdwn(words.headline)} — ${mrkdwn(words.summary)}`, 2900);
  return {
    text,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${truncate(mrkdwn(words.headline), 1000)}*\n${truncate(mrkdwn(words.summary), 1800)}`,
        },
      },
      {
        type: "section",
        fields: words.facts.slice(0, 10).map(([label, value]) => ({
          type: "mrkdwn",
          text: truncate(`*${label}*\n${mrkdwn(value)}`, 2000),
        })),
      },
      { type: "context", elements: [{ type: "mrkdwn", text: `Scrapewatch delivery ${notification.id}` }] },
    ],
  };
}

export function sendSlack(
  channel: StoredChannel,
  notification: OutgoingNotification,
  options: SendOptions,
): Promise<SendResult> {
  return postJson(channel.url ?? "", JSON.stringify(slackBody(notification)), {}, options);
}
