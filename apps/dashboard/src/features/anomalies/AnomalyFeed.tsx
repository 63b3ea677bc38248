// Anomaly feed: what the server flagged, live from the stream and from REST for earlier ones.

import type { Anomaly } from "@scrapewatch/protocol";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { anomaliesQuery } from "../../api/queries.ts";
import { ago, count } from "../../hooks/format.ts";
import { useLive, useLiveVersion } from "../../hooks/live-context.ts";
import { useNow } from "../../hooks/useNow.ts";

const METRIC_NAMES: Record<Anomaly["metric"], string> = {
  navigationDuration: "Navigation duration",
  scrapeDuration: "Scrape duration",
  successRate: "Success rate",
  itemsExtracted: "Items extracted",
  blockRate: "Block rate",
};

export function AnomalyFeed() {
  const { store } = useLive();
  const version = useLiveVersion();
  const now = useNow(10_000);
  const stored = useQuery(anomaliesQuery(null));
  // biome-ignore lint/correctness/useExhaustiveDependencies: version signals new live anomalies
  const list = useMemo(() => {
    const byId = new Map<string, Anomaly>();
    for (const a of [...(stored.data ?? []), ...store.anomalies]) byId.set(a.id, a);
    return [...byId.values()].sort((a, b) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt));
  }, [stored.data, store, version]);

  if (list.length === 0) {
    return <p className="muted">{stored.isPending ? "Loading…" : "Nothing abnormal so far."}</p>;
  }
  return (
    <ol className="feed" data-testid="anomaly-feed">
      {list.map((a) => (
        <li key={a.id} className={`feed-item ${a.direction}`}>
          <span className={`pill ${a.direction}`}>{a.direction === "spike" ? "▲ spike" : "▼ drop"}</span>
          <div>
            <strong className="mono">{a.source}</strong> · {METRIC_NAMES[a.metric] ?? a.metric}
            <div className="muted small">
              {count(a.value, 1)} against a baseline of {count(a.baseline, 1)} ({count(a.deviationScore, 1)}σ)
            </div>
          </div>
          <time className="muted small" dateTime={a.detectedAt}>
            {ago(a.detectedAt, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}
