// Fills a chart window with what happened before the page opened, once per source and window:
// the stream itself never dumps history, so without this a fresh page starts with empty charts.
import { useQuery } from "@tanstack/react-query";
import { loadHistory } from "../../api/queries.ts";
import { useLinkStatus, useLive } from "../../hooks/live-context.ts";

export function useChartHistory(source: string | null, windowMs: number): void {
  const { connection, store } = useLive();
  useLinkStatus(); // the boundary becomes known when the stream first opens
  const boundary = connection.historyBoundary;
  useQuery({
    queryKey: ["chart-history", source, windowMs, boundary],
    queryFn: async ({ signal }) => {
      if (!source || !boundary) return 0;
      const events = await loadHistory(source, windowMs, boundary, signal);
      return store.backfill(source, events, boundary);
    },
    // null: the server had delivered nothing before this page connected, so there is no history.
    enabled: source !== null && typeof boundary === "string",
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: 1,
  });
}
