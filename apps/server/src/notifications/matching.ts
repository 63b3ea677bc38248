// Which channels a transition goes to, and whether a silence covers it: the filters of SPEC 14.
import type { StoredChannel, StoredSilence } from "@scrapewatch/db";
import type { IncidentKind, Monitor } from "@scrapewatch/protocol";

export function silenceMatches(
  silence: Pick<StoredSilence, "sources" | "kinds">,
  source: string,
  kind: IncidentKind,
): boolean {
  return (
    (silence.sources === null || silence.sources.includes(source)) &&
    (silence.kinds === null || silence.kinds.includes(kind))
  );
}

/** Enabled channels whose filters, and the monitor's notify settings, accept the incident. */
export function channelsFor(
  channels: readonly StoredChannel[],
  incident: { source: string; kind: IncidentKind },
  monitor: Pick<Monitor, "settings">,
): StoredChannel[] {
  const notify = monitor.settings.notify;
  if (incident.kind === "anomaly" && !notify.anomalies) return [];
  return channels.filter(
    (channel) =>
      channel.enabled &&
      (channel.sources === null || channel.sources.includes(incident.source)) &&
      (channel.kinds === null || channel.kinds.includes(incident.kind)) &&
      (notify.channels === null || notify.channels.includes(channel.name)),
  );
}
