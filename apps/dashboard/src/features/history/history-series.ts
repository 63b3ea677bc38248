// Turns daily summary rows (one per source and day) into one point per day for the charts.
import type { DailySummary } from "../../api/shapes.ts";

export interface DayPoint {
  date: string;
  successRate: number | null;
  items: number;
  p95NavigationMs: number | null;
  p95ScrapeMs: number | null;
}

export function byDay(rows: readonly DailySummary[]): DayPoint[] {
  const days = new Map<string, DailySummary[]>();
  for (const row of rows) days.set(row.date, [...(days.get(row.date) ?? []), row]);
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, list]) => {
      const total = sum(list, (r) => r.totalNavigations + r.totalScrapes);
      const ok = sum(list, (r) => r.successfulNavigations + r.successfulScrapes);
      return {
        date,
        successRate: total === 0 ? null : Math.round((ok / total) * 1000) / 10,
        items: sum(list, (r) => r.totalItems),
        p95NavigationMs: max(list.map((r) => r.p95NavigationMs)),
        p95ScrapeMs: max(list.map((r) => r.p95ScrapeMs)),
      };
    });
}

function sum<T>(list: readonly T[], pick: (item: T) => number): number {
  return list.reduce((acc, item) => acc + pick(item), 0);
}

function max(values: Array<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.max(...present);
}
