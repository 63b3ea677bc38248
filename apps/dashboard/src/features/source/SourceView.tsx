// Source view: live charts of one watched source over 5, 15 or 60 minutes, and its recent errors.
// Loaded lazily: recharts is not part of the first paint.
import { useMemo, useState } from "react";
import { useLive, useLiveVersion } from "../../hooks/live-context.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { useNow } from "../../hooks/useNow.ts";
import { LiveChart } from "./LiveChart.tsx";
import { RecentErrors } from "./RecentErrors.tsx";

const WINDOWS = [5, 15, 60] as const;

export default function SourceView({
  source,
  onPick,
}: {
  source: string | null;
  onPick(source: string): void;
}) {
  const { store, selection } = useLive();
  const { names } = useKnownSources();
  const version = useLiveVersion();
  const now = useNow(5000);
  const [minutes, setMinutes] = useState<(typeof WINDOWS)[number]>(5);
  const watched = names.filter((n) => selection === null || selection.includes(n));
  const current = source ?? watched[0] ?? null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and now are the change signals of the store
  const data = useMemo(
    () => (current ? store.series(current, minutes * 60_000) : []),
    [store, current, minutes, version, now],
  );
  const live = current ? store.get(current) : undefined;

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
            <LiveChart
              title="Navigation duration"
              unit="ms, average"
              data={data}
              series={[{ key: "navigationMs", label: "Navigation", color: "var(--c1)" }]}
            />
            <LiveChart
              title="Scrape duration"
              unit="ms, average"
              data={data}
              series={[{ key: "scrapeMs", label: "Scrape", color: "var(--c2)" }]}
            />
            <LiveChart
              title="Items extracted"
              unit="per step"
              data={data}
              series={[{ key: "items", label: "Items", color: "var(--c3)" }]}
            />
            <LiveChart
              title="Retries"
              unit="per step"
              data={data}
              series={[{ key: "retries", label: "Retries", color: "var(--c4)" }]}
            />
          </div>
          <h3 className="section-title">Recent errors</h3>
          <RecentErrors errors={live?.errors ?? []} />
        </>
      )}
    </section>
  );
}
