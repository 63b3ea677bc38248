// History: daily summaries (charts and table) and scheduler runs over a chosen range.
// Loaded lazily with recharts.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { dailySummariesQuery, schedulerSummariesQuery } from "../../api/queries.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { HistoryCharts } from "./HistoryCharts.tsx";
import { byDay } from "./history-series.ts";
import { SchedulerTable } from "./SchedulerTable.tsx";
import { SummaryTable } from "./SummaryTable.tsx";

const RANGES = [7, 30, 90] as const;

function isoDay(offsetDays: number): string {
  return new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export default function HistoryView() {
  const { names } = useKnownSources();
  const [source, setSource] = useState<string | null>(null);
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const range = useMemo(() => ({ source, from: isoDay(days), to: isoDay(0) }), [source, days]);
  const daily = useQuery(dailySummariesQuery(range));
  const scheduler = useQuery(schedulerSummariesQuery(range));
  const rows = useMemo(
    () =>
      [...(daily.data ?? [])].sort((a, b) =>
        a.date === b.date ? a.source.localeCompare(b.source) : a.date < b.date ? 1 : -1,
      ),
    [daily.data],
  );
  const points = useMemo(() => byDay(rows), [rows]);

  return (
    <section className="history">
      <header className="toolbar">
        <label className="field">
          Source
          <select value={source ?? ""} onChange={(e) => setSource(e.target.value || null)}>
            <option value="">All sources</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="segmented" aria-label="Range">
          {RANGES.map((d) => (
            <label key={d} className={d === days ? "active" : ""}>
              <input type="radio" name="range" checked={d === days} onChange={() => setDays(d)} />
              {d} days
            </label>
          ))}
        </fieldset>
      </header>
      {daily.isError && <p className="notice bad">Could not load summaries: {daily.error.message}</p>}
      {daily.isPending ? (
        <p className="muted">Loading summaries…</p>
      ) : rows.length === 0 ? (
        <p className="muted">
          No daily summaries in this range yet. Days are summarized nightly, or on demand with{" "}
          <code>npm run aggregate -- --date YYYY-MM-DD</code>.
        </p>
      ) : (
        <>
          <HistoryCharts points={points} />
          <h3 className="section-title">Daily summaries</h3>
          <SummaryTable rows={rows} />
        </>
      )}
      <h3 className="section-title">Scheduler runs</h3>
      {scheduler.isError ? (
        <p className="notice bad">Could not load scheduler summaries: {scheduler.error.message}</p>
      ) : (
        <SchedulerTable rows={scheduler.data ?? []} />
      )}
    </section>
  );
}
