// react-query options for every REST read the dashboard makes, and the polling fallback's fetch.
import {
  type AnomalyPage,
  compareCursors,
  type DailySummaryList,
  type MetricPage,
  parseCursor,
  type ProxyWindow,
  type SchedulerSummaryList,
  type SourceProxies,
  type SourcesResponse,
} from "@scrapewatch/protocol";
import { queryOptions } from "@tanstack/react-query";
import type { LiveConnection } from "../stream/live-connection.ts";
import type { LiveEvent } from "../stream/types.ts";
import { getJson } from "./client.ts";
import { toSourceOverview } from "./shapes.ts";

export const POLL_INTERVAL_MS = 2000;
export const POLL_PAGE = 1000;
/** Pages read per poll at most; the next poll continues from the cursor reached. */
const POLL_MAX_PAGES = 5;

export const sourcesQuery = () =>
  queryOptions({
    queryKey: ["sources"],
    queryFn: async ({ signal }) => {
      const body = await getJson<SourcesResponse>("/api/v1/sources", {}, signal);
      return body.sources.map(toSourceOverview);
    },
    refetchInterval: 30_000,
  });

export const proxiesQuery = (source: string, window: ProxyWindow) =>
  queryOptions({
    queryKey: ["proxies", source, window],
    queryFn: ({ signal }) =>
      getJson<SourceProxies>(`/api/v1/sources/${encodeURIComponent(source)}/proxies`, { window }, signal),
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
      const body = await getJson<DailySummaryList>("/api/v1/summaries/daily", { ...range }, signal);
      return body.items;
    },
  });

export const schedulerSummariesQuery = (range: DateRange) =>
  queryOptions({
    queryKey: ["summaries", "scheduler", range],
    queryFn: async ({ signal }) => {
      const body = await getJson<SchedulerSummaryList>("/api/v1/summaries/scheduler", { ...range }, signal);
      return body.items;
    },
  });

export const anomaliesQuery = (source: string | null) =>
  queryOptions({
    queryKey: ["anomalies", source],
    queryFn: async ({ signal }) => {
      const body = await getJson<AnomalyPage>("/api/v1/anomalies", { source }, signal);
      return body.items;
    },
    refetchInterval: 60_000,
  });

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
    const body = await getJson<MetricPage>(
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

/** Pages read at most when loading a chart window's history (the oldest come first). */
const HISTORY_MAX_PAGES = 5;

/**
 * Stored events of one source over the last `windowMs`, for the charts of a page that has only
 * just opened. Only events at or before `boundary` are kept: later ones come live.
 */
export async function loadHistory(
  source: string,
  windowMs: number,
  boundary: string,
  signal?: AbortSignal,
): Promise<LiveEvent[]> {
  const from = new Date(Date.now() - windowMs).toISOString();
  const events: LiveEvent[] = [];
  let after: string | null = null;
  for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
    const body: MetricPage = await getJson<MetricPage>(
      "/api/v1/metrics",
      { source, from, after, limit: POLL_PAGE },
      signal,
    );
    events.push(...body.items);
    const last = body.items.at(-1);
    if (!last || body.items.length < POLL_PAGE || !body.nextCursor) break;
    const lastPos = parseCursor(last.cursor);
    const limit = parseCursor(boundary);
    if (lastPos && limit && compareCursors(lastPos, limit) >= 0) break;
    after = body.nextCursor;
  }
  return events;
}
