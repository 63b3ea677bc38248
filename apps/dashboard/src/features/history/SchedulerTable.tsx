// Daily summaries of scheduled jobs.
import type { SchedulerSummary } from "../../api/shapes.ts";
import { count, ms, percent } from "../../hooks/format.ts";
import { type DailyColumn, DailyTable } from "./DailyTable.tsx";

const COLUMNS: DailyColumn<SchedulerSummary>[] = [
  { header: "Runs", cell: (r) => count(r.totalRuns) },
  { header: "Success", cell: (r) => percent(r.totalRuns === 0 ? null : r.successfulRuns / r.totalRuns) },
  { header: "p50 / p95", nowrap: true, cell: (r) => `${ms(r.p50DurationMs)} / ${ms(r.p95DurationMs)}` },
  { header: "Longest", cell: (r) => ms(r.maxDurationMs) },
  { header: "Items", cell: (r) => count(r.totalItems) },
];

export function SchedulerTable({ rows }: { rows: readonly SchedulerSummary[] }) {
  if (rows.length === 0) return <p className="muted">No scheduler runs summarized in this range.</p>;
  return <DailyTable rows={rows} testId="scheduler-summaries" sourceHeader="Job" columns={COLUMNS} />;
}
