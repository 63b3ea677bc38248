// The notification side of incidents (the monitors' IncidentNotifier port): each
// transition becomes one outbox row per matching channel, pending or (under a silence)
// suppressed; the delivery worker sends them in the background.
import type { DeliveryOutbox, NewDelivery, StoredChannel } from "@scrapewatch/db";
import type { IncidentKind, Notification } from "@scrapewatch/protocol";
import type { IncidentNotifier, IncidentTransition } from "../monitors/notifier.ts";
import type { EventIdGenerator } from "../pipeline/event-ids.ts";
import type { ChannelDirectory } from "./channel-directory.ts";
import { channelsFor } from "./matching.ts";
import { writePayload } from "./payload.ts";
import type { Silences } from "./silences.ts";

export class OutboxIncidentNotifier implements IncidentNotifier {
  constructor(
    private readonly options: {
      outbox: DeliveryOutbox;
      channels: ChannelDirectory;
      silences: Silences;
      ids: EventIdGenerator;
      /** Pending deliveries were written for these channels. */
      onPending(channels: string[]): void;
      /** A delivery was recorded as suppressed (a silence matched). */
      onSuppressed?(channel: StoredChannel, delivery: NewDelivery): void;
    },
  ) {}

  isSilenced(source: string, kind: IncidentKind): Promise<boolean> {
    return this.options.silences.isSilenced(source, kind);
  }

  async incidentChanged({ action, incident, monitor }: IncidentTransition): Promise<void> {
    const { outbox, channels, silences, ids } = this.options;
    const now = new Date();
    const targets = channelsFor(await channels.current(), incident, monitor);
    // A resolution settles a suppressed opening: it needs no late notification any more.
    if (action === "resolved") await outbox.settle(incident.id, now);
    if (targets.length === 0) return;
    const silenced = await silences.isSilenced(incident.source, incident.kind, now);
    const payload = writePayload({ incident, monitor });
    const rows: NewDelivery[] = targets.map((channel) => ({
      id: ids.next(),
      incidentId: incident.id,
      source: incident.source,
      kind: incident.kind,
      channel: channel.name,
      type: action === "opened" ? "incident.opened" : "incident.resolved",
      status: silenced ? "suppressed" : "pending",
      payload,
      createdAt: now,
    }));
    await outbox.insert(rows);
    if (!silenced) this.options.onPending(targets.map((channel) => channel.name));
    else {
      for (const [i, row] of rows.entries()) {
        const channel = targets[i];
        if (channel) this.options.onSuppressed?.(channel, row);
      }
    }
  }

  async notificationsFor(incidentIds: readonly string[]): Promise<Map<string, Notification[]>> {
    const byIncident = new Map<string, Notification[]>(incidentIds.map((id) => [id, []]));
    for (const delivery of await this.options.outbox.forIncidents(incidentIds)) {
      byIncident.get(delivery.incidentId)?.push({
        id: delivery.id,
        channel: delivery.channel,
        type: delivery.type,
        status: delivery.status,
        attempts: delivery.attempts,
        lastError: delivery.lastError,
        sentAt: delivery.sentAt?.toISOString() ?? null,
        nextAttemptAt: delivery.status === "pending" ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
      });
    }
    return byIncident;
  }
}

/** For code that runs without notifications (tests of other parts). */
export const NO_NOTIFICATIONS: IncidentNotifier = {
  isSilenced: async () => false,
  incidentChanged: async () => {},
  notificationsFor: async (ids) => new Map(ids.map((id) => [id, []])),
};
