// GET /api/v1/metrics/export: the filtered events as CSV or NDJSON, read page by page through the
// cursor and produced only as fast as the client reads, so memory stays bounded by one page.
// The export ends at the newest event stored when it began (a live source would never end).
import { createRoute } from "@hono/zod-openapi";
import type { MetricStore } from "@scrapewatch/db";
import type { Metric } from "@scrapewatch/protocol";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded } from "../../http/openapi.ts";
import { cursorOf, eventQuery, MetricFilters } from "./query.ts";

const PAGE = 1000;

const ExportQuery = MetricFilters.extend({
  format: z.enum(["csv", "ndjson"]).default("ndjson"),
});

export const exportMetricsRoute = createRoute({
  method: "get",
  path: "/api/v1/metrics/export",
  operationId: "exportMetrics",
  summary: "Export events as CSV or NDJSON (streamed)",
  description:
    "Same filters as GET /api/v1/metrics, without a limit. Rows are streamed in cursor order up to the newest event stored when the export starts. NDJSON lines are the items of GET /api/v1/metrics. CSV cells that a spreadsheet would read as a formula (starting with = + - @, tab or CR) are prefixed with an apostrophe.",
  tags: ["history"],
  ...guarded("read"),
  request: { query: ExportQuery },
  responses: {
    200: {
      description:
        "text/csv (with a header row) for format=csv, application/x-ndjson (one MetricItem per line) otherwise",
      content: {
        "text/csv": { schema: z.string().meta({ description: "A header row, then one row per event" }) },
        "application/x-ndjson": {
          schema: z.string().meta({
            description: "One JSON object per line, each a MetricItem (components/schemas/MetricItem)",
          }),
        },
      },
    },
    ...errors(400, 401, 403),
  },
});

const CSV_COLUMNS = [
  "cursor",
  "id",
  "type",
  "source",
  "timestamp",
  "url",
  "durationMs",
  "retryCount",
  "itemsExtracted",
  "dataSize",
  "itemsProcessed",
  "success",
  "error",
  // Scraper health (SPEC 15), after the original columns so existing readers keep their places.
  "statusCode",
  "blocked",
  "blockReason",
  "proxy",
  "bytes",
] as const;

export function registerExportMetrics(app: App): void {
  app.openapi(exportMetricsRoute, async (c) => {
    const query = c.req.valid("query");
    const { store, writer } = c.get("services");
    const base = eventQuery(query, PAGE, writer.oldestPendingPosition);
    const newest = await store.newestPosition();
    const untilKey = [base.untilKey, newest ?? ""].filter((k): k is string => k !== undefined).sort()[0];
    const rows = pages(store, { ...base, untilKey });
    const csv = query.format === "csv";
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          if (csv) controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\n`));
        },
        // Called only when the client has taken what was queued: one page per pull.
        async pull(controller) {
          const next = await rows.next();
          if (next.done) {
            controller.close();
            return;
          }
          const lines = next.value.map(({ metric, position }) =>
            csv
              ? csvLine(metric, cursorOf(position))
              : `${JSON.stringify({ ...metric, cursor: cursorOf(position) })}\n`,
          );
          controller.enqueue(encoder.encode(lines.join("")));
        },
        async cancel() {
          await rows.return(undefined);
        },
      },
      { highWaterMark: 1 },
    );
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return c.body(body, 200, {
      "Content-Type": csv ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "Content-Disposition": `attachment; filename="scrapewatch-${stamp}.${csv ? "csv" : "ndjson"}"`,
      "Cache-Control": "no-store",
    });
  });
}

async function* pages(store: MetricStore, query: Parameters<MetricStore["read"]>[0]) {
  let afterKey = query.afterKey;
  for (;;) {
    const page = await store.read({ ...query, afterKey });
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (!last || page.length < query.limit) return;
    afterKey = last.position;
  }
}

function csvLine(metric: Metric, cursor: string): string {
  const record: Record<string, unknown> = { ...metric, cursor };
  return `${CSV_COLUMNS.map((column) => csvField(record[column])).join(",")}\n`;
}

/**
 * One CSV cell. Text a spreadsheet would run as a formula (= + - @, or a leading tab or CR that
 * some strip first) gets a leading apostrophe: URLs and error texts come from scrapers, and an
 * export is opened by people (OWASP's CSV injection advice).
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return "";
  const raw = String(value);
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
