// What the monitors need of notifications, declared by the monitors (the consumer owns the port):
// notifications/incident-notifier.ts implements it, and the monitors build and test without it.
import type { Incident, IncidentKind, Monitor, Notification } from "@scrapewatch/protocol";

export interface IncidentTransition {
  action: "opened" | "resolved";
  /** The incident as it is now (notifications: [] is fine). */
  incident: Incident;
  /** The source's monitor at that moment (webhook bodies carry it; notify.channels / notify.anomalies filter). */
  monitor: Monitor;
}

export interface IncidentNotifier {
  /** True when an active silence matches (source, kind) now: the incident is stored with silenced: true. */
  isSilenced(source: string, kind: IncidentKind): Promise<boolean>;
  /**
   * Called once per transition, by the instance whose evaluator made it, after the incident is
   * stored. Writes one outbox row per matching channel (pending, or suppressed under a silence) and
   * returns; sending happens in the background. Never throws for a receiver's problems (a
   * database error writing the outbox does reach the caller).
   */
  incidentChanged(transition: IncidentTransition): Promise<void>;
  /** Each incident's deliveries, for GET /api/v1/incidents[/{id}]. */
  notificationsFor(incidentIds: readonly string[]): Promise<Map<string, Notification[]>>;
}

/** No channels: nothing is silenced, nothing is sent, no incident has deliveries. */
export const noNotifications: IncidentNotifier = {
  isSilenced: async () => false,
  incidentChanged: async () => {},
  notificationsFor: async () => new Map(),
};
