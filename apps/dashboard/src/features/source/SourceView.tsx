// Source view: live charts of one watched source over 5, 15 or 60 minutes, its scraper health
// (status classes and block rate per minute, proxies, block reasons) and its recent errors.
// Loaded lazily: recharts is not part of the first paint.
import { useState } from "react";
import { useLive, useLiveVersion } from "../../hooks/live-context.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { useLiveSnapshot } from "../../hooks/useLiveSnapshot.ts";
import { BlockReasons } from "./BlockReasons.tsx";
import { HealthChart } from "./HealthChart.tsx";
import { LiveChart, type SeriesSpec } from "./LiveChart.tsx";
import { ProxiesTable } from "./ProxiesTable.tsx";
import { RecentErrors } from "./RecentErrors.tsx";
import { useChartHistory } from "./useChartHistory.ts";

const WINDOWS = [5, 15, 60] as const;
/** Charts step by 5 s at the finest: redrawing them once a second is live enough. */
const CHART_REFRESH_MS = 1000;

/** Series specs are constants so that the memoized charts skip renders that change nothing. */
const NAVIGATION: SeriesSpec[] = [{ key: "navigationMs", label: "Navigation", color: "var(--c1)" }];
const SCRAPE: SeriesSpec[] = [{ key: "scrapeMs", label: "Scrape", color: "var(--c2)" }];
const ITEMS: SeriesSpec[] = [{ key: "items", label: "Items", color: "var(--c3)" }];
const RETRIES: SeriesSpec[] = [{ key: "retries", label: "Retries", color: "var(--c4)" }];

export default function SourceView({
  source,
  onPick,
}: {
  source: string | null;
  onPick(source: string): void;
}) {
  const { store, selection } = useLive();
  const { names, overview } = useKnownSources();
  useLiveVersion(CHART_REFRESH_MS);
  const [minutes, setMinutes] = useState<(typeof WINDOWS)[number]>(5);
  const watched = names.filter((n) => selection === null || selection.includes(n));
  const current = source ?? watched[0] ?? null;
  const data = useLiveSnapshot(
    () => (current ? store.series(current, minutes * 60_000) : []),
    CHART_REFRESH_MS,
    [current, minutes],
  );
  const health = useLiveSnapshot(() => (current ? store.health(current, minutes) : []), CHART_REFRESH_MS, [
    current,
    minutes,
  ]);
  const live = current ? store.get(current) : undefined;
  const server = current ? overview.get(current) : undefined;
  // A scheduled job has no navigations: no status codes, blocks or proxies to show.
  const isJob = live
    ? live.lastSchedulerMs !== null && live.lastNavigationMs === null && live.lastScrapeMs === null
    : (server?.schedulerRuns ?? 0) > 0 && !server?.navigations && !server?.scrapes;
  useChartHistory(current, minutes * 60_000);

  return (
    <section className="source-view">
      <header className="toolbar">
        <div className="tabs" role="tablist" aria-label="Watched sources">
          {watched.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={name === current}
              className={name === current ? "tab active mono" : "tab mono"}
              onClick={() => onPick(name)}
            >
              {name}
            </button>
          ))}
        </div>
        <fieldset className="segmented" aria-label="Window">
          {WINDOWS.map((w) => (
            <label key={w} className={w === minutes ? "active" : ""}>
              <input type="radio" name="window" checked={w === minutes} onChange={() => setMinutes(w)} />
              {w} min
            </label>
          ))}
        </fieldset>
      </header>
      {current === null ? (
        <p className="muted">Pick a source on the left.</p>
      ) : (
        <>
          {selection !== null && !selection.includes(current) && (
            <p className="notice">Not watching {current}: tick it on the left to stream it.</p>
          )}
          <div className="chart-grid">
            <LiveChart title="Navigation duration" unit="ms, average" data={data} series={NAVIGATION} />
            <LiveChart
              title="Scrape duration"
              unit="ms, average"
              data={data}
              series={SCRAPE}
              staggerMs={200}
            />
            <LiveChart title="Items extracted" unit="per step" data={data} series={ITEMS} staggerMs={400} />
            <LiveChart title="Retries" unit="per step" data={data} series={RETRIES} staggerMs={600} />
            {!isJob && <HealthChart data={health} />}
          </div>
          {!isJob && (
            <div className="health-grid">
              <ProxiesTable source={current} />
              <BlockReasons health={server?.health} />
            </div>
          )}
          <h3 className="section-title">Recent errors</h3>
          <RecentErrors errors={live?.errors ?? []} />
        </>
      )}
    </section>
  );
}
