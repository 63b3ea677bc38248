// Overview: one card per watched source, live figures on top of the server's last-hour figures.

import { useLive, useLiveVersion } from "../../hooks/live-context.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { useNow } from "../../hooks/useNow.ts";
import { useMonitors } from "../monitors/MonitorStatePill.tsx";
import { SourceCard } from "./SourceCard.tsx";

/** Cards follow the stream closely, but not at 60 renders a second. */
const CARD_REFRESH_MS = 250;

export function Overview({ onOpen }: { onOpen(source: string): void }) {
  const { selection, store } = useLive();
  const { names, overview, loading } = useKnownSources();
  const monitors = useMonitors();
  useLiveVersion(CARD_REFRESH_MS);
  const now = useNow();
  const shown = names.filter((name) => selection === null || selection.includes(name));
  if (shown.length === 0) {
    return (
      <section className="empty">
        <h2>{loading ? "Loading sources…" : "Waiting for the first metrics"}</h2>
        {!loading && (
          <p className="muted">
            Point a scraper at this server, or post an event:
            <code className="block">
              {`curl -X POST ${window.location.origin}/api/v1/metrics -H 'content-type: application/json' \\
  -d '{"metrics":[{"type":"scrape","source":"demo","url":"https://example.com","durationMs":840,"itemsExtracted":12,"success":true}]}'`}
            </code>
          </p>
        )}
      </section>
    );
  }
  return (
    <section className="cards" aria-label="Sources overview">
      {shown.map((name) => (
        <SourceCard
          key={name}
          source={name}
          stamp={store.get(name)?.received ?? 0}
          server={overview.get(name)}
          monitor={monitors.get(name)}
          now={now}
          onOpen={onOpen}
        />
      ))}
    </section>
  );
}
