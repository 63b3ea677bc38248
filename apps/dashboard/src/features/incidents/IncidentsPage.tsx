// Incidents: the open ones first, then the history, each with what was sent where. Live: an
// incident event on the stream makes both lists read again (LiveProvider invalidates them).
import type { Incident } from "@scrapewatch/protocol";
import { useQuery } from "@tanstack/react-query";
import { incidentsQuery } from "../../api/monitoring.ts";
import { ago } from "../../hooks/format.ts";
import { useNow } from "../../hooks/useNow.ts";
import { BrowserAlertsToggle } from "./BrowserAlertsToggle.tsx";
import { KIND_LABELS } from "./kind-labels.ts";

export default function IncidentsPage() {
  const open = useQuery(incidentsQuery("open"));
  const resolved = useQuery(incidentsQuery("resolved", 50));
  const now = useNow(10_000);
  const error = open.error ?? resolved.error;
  return (
    <section data-testid="incidents-page">
      <h2 className="section-title">Open incidents</h2>
      <BrowserAlertsToggle />
      {error && <p className="notice bad">Incidents could not be read: {error.message}</p>}
      <IncidentList
        items={open.data}
        pending={open.isPending}
        empty="Nothing is wrong right now."
        now={now}
        testId="open-incidents"
      />
      <h2 className="section-title">History</h2>
      <IncidentList
        items={resolved.data}
        pending={resolved.isPending}
        empty="No incident has been resolved yet."
        now={now}
        testId="resolved-incidents"
      />
    </section>
  );
}

interface ListProps {
  items: Incident[] | undefined;
  pending: boolean;
  empty: string;
  now: number;
  testId: string;
}

function IncidentList({ items, pending, empty, now, testId }: ListProps) {
  if (!items || items.length === 0) return <p className="muted">{pending ? "Loading…" : empty}</p>;
  return (
    <ol className="incident-list" data-testid={testId}>
      {items.map((incident) => (
        <IncidentItem key={incident.id} incident={incident} now={now} />
      ))}
    </ol>
  );
}

function IncidentItem({ incident, now }: { incident: Incident; now: number }) {
  return (
    <li className={`incident ${incident.state}`} data-testid={`incident-${incident.id}`}>
      <div className="incident-head">
        <strong className="mono">{incident.source}</strong>
        <span className="pill">{KIND_LABELS[incident.kind] ?? incident.kind}</span>
        {incident.key && <span className="muted small mono">{incident.key}</span>}
        {incident.silenced && <span className="pill">silenced</span>}
        <time className="muted small" dateTime={incident.openedAt} title={incident.openedAt}>
          opened {ago(incident.openedAt, now)}
        </time>
        {incident.resolvedAt && (
          <time className="muted small" dateTime={incident.resolvedAt} title={incident.resolvedAt}>
            resolved {ago(incident.resolvedAt, now)}
          </time>
        )}
      </div>
      <p>{incident.summary}</p>
      <Notifications incident={incident} />
    </li>
  );
}

function Notifications({ incident }: { incident: Incident }) {
  if (incident.notifications.length === 0) {
    return <p className="muted small">No channel matched: nothing was sent. Add one under Alerts.</p>;
  }
  return (
    <ul className="notifications" aria-label="Notifications">
      {incident.notifications.map((n) => (
        <li
          key={n.id}
          className={`pill note-${n.status}`}
          title={n.lastError ?? (n.sentAt ? `sent ${n.sentAt}` : undefined)}
        >
          {n.channel} · {n.type.replace("incident.", "")} · {n.status}
          {n.attempts > 1 ? ` (${n.attempts} attempts)` : ""}
        </li>
      ))}
    </ul>
  );
}
