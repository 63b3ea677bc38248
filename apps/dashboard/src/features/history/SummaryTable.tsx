// Daily summaries of scrapers, one row per source and day.
import type { DailySummary } from "../../api/shapes.ts";
import { count, ms, percent } from "../../hooks/format.ts";
import { type DailyColumn, DailyTable } from "./DailyTable.tsx";

const COLUMNS: DailyColumn<DailySummary>[] = [
  { header: "Navigations", cell: (r) => count(r.totalNavigations) },
  { header: "Scrapes", cell: (r) => count(r.totalScrapes) },
  {
    header: "Success",
    cell: (r) => {
      const total = r.totalNavigations + r.totalScrapes;
      return percent(total === 0 ? null : (r.successfulNavigations + r.successfulScrapes) / total);
    },
  },
  {
    header: "Nav p50 / p95",
    nowrap: true,
    cell: (r) => `${ms(r.p50NavigationMs)} / ${ms(r.p95NavigationMs)}`,
  },
  { header: "Scrape p50 / p95", nowrap: true, cell: (r) => `${ms(r.p50ScrapeMs)} / ${ms(r.p95ScrapeMs)}` },
  { header: "Avg retries", cell: (r) => count(r.avgRetries, 2) },
  { header: "Items", cell: (r) => count(r.totalItems) },
];

export function SummaryTable({ rows }: { rows: readonly DailySummary[] }) {
  return <DailyTable rows={rows} testId="daily-summaries" sourceHeader="Source" columns={COLUMNS} scroll />;
}
