// A notification in words, shared by the chat and email senders: a headline naming the source,
// the kind and what happened, the incident's one-sentence summary, and a few facts.
import type { OutgoingNotification } from "./types.ts";

export interface NotificationText {
  /** "🔴 cnbc: silence incident opened" */
  headline: string;
  /** The incident's summary sentence. */
  summary: string;
  facts: [label: string, value: string][];
  /** Red, green or grey, for embeds. */
  color: number;
}

const ICONS = { "incident.opened": "🔴", "incident.resolved": "✅", test: "🧪" } as const;
const COLORS = { "incident.opened": 0xd93025, "incident.resolved": 0x1e8e3e, test: 0x5f6368 } as const;

export function notificationText(notification: OutgoingNotification): NotificationText {
  const { incident, monitor, type } = notification;
  const what =
    type === "test"
      ? "test notification (nothing is wrong)"
      : `${incident.kind.replace("_", " ")} incident ${type === "incident.opened" ? "opened" : "resolved"}`;
  const facts: [string, string][] = [
    ["Source", incident.source],
    ["Kind", incident.kind + (incident.key ? ` (${incident.key})` : "")],
    ["Opened", incident.openedAt],
  ];
  if (incident.resolvedAt) facts.push(["Resolved", incident.resolvedAt]);
  if (monitor) facts.push(["Monitor", monitor.state]);
  facts.push(["Incident", incident.id]);
  return {
    headline: `${ICONS[type]} ${incident.source}: ${what}`,
    summary: incident.summary,
    facts,
    color: COLORS[type],
  };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
