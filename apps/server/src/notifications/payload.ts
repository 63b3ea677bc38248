// What an outbox row keeps of its transition: the incident and monitor as they were, so a
// delivery sent hours later (a retry, or after a silence) still says what happened then.
import type { Incident, Monitor } from "@scrapewatch/protocol";

export interface DeliveryPayload {
  incident: Incident;
  monitor: Monitor | null;
}

export function writePayload(payload: DeliveryPayload): string {
  return JSON.stringify(payload);
}

export function readPayload(text: string): DeliveryPayload {
  const parsed = JSON.parse(text) as DeliveryPayload;
  return { incident: parsed.incident, monitor: parsed.monitor ?? null };
}
