// Daily summaries of scheduled jobs.
import type { SchedulerSummary } from "../../api/shapes.ts";
import { count, ms, percent } from "../../hooks/format.ts";

export function SchedulerTable({ rows }: { rows: readonly SchedulerSummary[] }) {
  if (rows.length === 0) return <p className="muted">No scheduler runs summarized in this range.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="scheduler-summaries">
        <thead>
          <tr>
            <th>Date</th>
            <th>Job</th>
            <th className="num">Runs</th>
            <th className="num">Success</th>
            <th className="num">p50 / p95</th>
            <th className="num">Longest</th>
            <th className="num">Items</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.source}|${r.date}`}>
              <td className="mono nowrap">{r.date}</td>
              <td className="mono">{r.source}</td>
              <td className="num">{count(r.totalRuns)}</td>
              <td className="num">{percent(r.totalRuns === 0 ? null : r.successfulRuns / r.totalRuns)}</td>
              <td className="num nowrap">
                {ms(r.p50DurationMs)} / {ms(r.p95DurationMs)}
              </td>
              <td className="num">{ms(r.maxDurationMs)}</td>
              <td className="num">{count(r.totalItems)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
