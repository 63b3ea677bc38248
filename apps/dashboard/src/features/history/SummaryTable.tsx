// Daily summaries of scrapers, one row per source and day.
import type { DailySummary } from "../../api/shapes.ts";
import { count, ms, percent } from "../../hooks/format.ts";

export function SummaryTable({ rows }: { rows: readonly DailySummary[] }) {
  return (
    <div className="table-wrap scroll">
      <table className="table" data-testid="daily-summaries">
        <thead>
          <tr>
            <th>Date</th>
            <th>Source</th>
            <th className="num">Navigations</th>
            <th className="num">Scrapes</th>
            <th className="num">Success</th>
            <th className="num">Nav p50 / p95</th>
            <th className="num">Scrape p50 / p95</th>
            <th className="num">Avg retries</th>
            <th className="num">Items</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const total = r.totalNavigations + r.totalScrapes;
            const ok = r.successfulNavigations + r.successfulScrapes;
            return (
              <tr key={`${r.source}|${r.date}`}>
                <td className="mono nowrap">{r.date}</td>
                <td className="mono">{r.source}</td>
                <td className="num">{count(r.totalNavigations)}</td>
                <td className="num">{count(r.totalScrapes)}</td>
                <td className="num">{percent(total === 0 ? null : ok / total)}</td>
                <td className="num nowrap">
                  {ms(r.p50NavigationMs)} / {ms(r.p95NavigationMs)}
                </td>
                <td className="num nowrap">
                  {ms(r.p50ScrapeMs)} / {ms(r.p95ScrapeMs)}
                </td>
                <td className="num">{count(r.avgRetries, 2)}</td>
                <td className="num">{count(r.totalItems)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
