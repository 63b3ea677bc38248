// react-query options for every REST read the dashboard makes, and the polling fallback's fetch.
import type { Anomaly } from "@scrapewatch/protocol";
import { queryOptions } from "@tanstack/react-query";
import type { LiveConnection } from "../stream/live-connection.ts";
import type { LiveEvent } from "../stream/types.ts";
import { getJson } from "./client.ts";
import { listOf, toDailySummary, toSchedulerSummary, toSourceOverview } from "./shapes.ts";

export const POLL_INTERVAL_MS = 2000;
export const POLL_PAGE = 1000;
/** Pages read per poll at most; the next poll continues from the cursor reached. */
const POLL_MAX_PAGES = 5;

export const sourcesQuery = () =>
  queryOptions({
    queryKey: ["sources"],
    queryFn: async ({ signal }) => {
      const body = await getJson<unknown>("/api/v1/sources", {}, signal);
      return listOf(body, "sources").flatMap((row) => toSourceOverview(row) ?? []);
    },
    refetchInterval: 30_000,
  });

export interface DateRange {
  source: string | null;
  from: string;
  to: string;
}

export const dailySummariesQuery = (range: DateRange) =>
  queryOptions({
    queryKey: ["summaries", "daily", range],
    queryFn: async ({ signal }) => {
      const body = await getJson<unknown>("/api/v1/summaries/daily", { ...range }, signal);
      return listOf(body, "summaries").flatMap((row) => toDailySummary(row) ?? []);
    },
  });

export const schedulerSummariesQuery = (range: DateRange) =>
  queryOptions({
    queryKey: ["summaries", "scheduler", range],
    queryFn: async ({ signal }) => {
      const body = await getJson<unknown>("/api/v1/summaries/scheduler", { ...range }, signal);
      return listOf(body, "summaries").flatMap((row) => toSchedulerSummary(row) ?? []);
    },
  });

export const anomaliesQuery = (source: string | null) =>
  queryOptions({
    queryKey: ["anomalies", source],
    queryFn: async ({ signal }) => {
      const body = await getJson<unknown>("/api/v1/anomalies", { source }, signal);
      return listOf(body, "anomalies") as unknown as Anomaly[];
    },
    refetchInterval: 60_000,
  });

interface MetricsPage {
  items: LiveEvent[];
  nextCursor: string | null;
}

/**
 * One round of the polling fallback: reads what follows the connection's cursor (or, before
 * anything was delivered, what arrived since the page opened) and hands it to the connection,
 * which drops what the stream already showed.
 */
export async function pollMetrics(connection: LiveConnection, signal?: AbortSignal): Promise<number> {
  let fresh = 0;
  for (let page = 0; page < POLL_MAX_PAGES; page += 1) {
    const after = connection.cursor;
    const selection = connection.selection;
    const body = await getJson<MetricsPage>(
      "/api/v1/metrics",
      {
        after,
        from: after ? null : new Date(connection.startedAt).toISOString(),
        source: selection ? selection.join(",") : null,
        limit: POLL_PAGE,
      },
      signal,
    );
    fresh += connection.acceptPolled(body.items);
    if (body.items.length < POLL_PAGE || !body.nextCursor) break;
  }
  return fresh;
}
