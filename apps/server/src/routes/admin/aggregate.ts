// POST /api/v1/admin/aggregate?date=YYYY-MM-DD: runs the nightly job now (summarize the day,
// default yesterday, then apply retention), under the same database lock as the scheduled run.
// An administrative action: guarded by ADMIN_TOKENS.
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { App } from "../../app-types.ts";
import { errors, guarded, json } from "../../http/openapi.ts";
import { DateParam } from "../../http/query-params.ts";

const AggregateQuery = z.object({
  date: DateParam.optional().meta({ description: "UTC day to summarize; default yesterday." }),
});

const AggregateReport = z
  .object({
    ran: z.boolean().meta({ description: "False when another instance held the lock." }),
    summarized: z.array(z.unknown()),
    cutoff: z.string(),
    deleted: z.number().int().meta({ description: "Raw events deleted past RETENTION_DAYS." }),
    deletedIncidents: z.number().int().meta({
      description: "Incidents resolved more than max(90, RETENTION_DAYS) days ago, deleted.",
    }),
    deletedDeliveries: z
      .number()
      .int()
      .meta({ description: "Finished deliveries of those incidents, deleted." }),
    deletedThrough: z.string().nullable().meta({
      description: "Position of the newest deleted row; stream resumes from an older cursor get `reset`.",
    }),
  })
  .meta({ id: "AggregateReport" });

export const aggregateRoute = createRoute({
  method: "post",
  path: "/api/v1/admin/aggregate",
  operationId: "runNightlyJob",
  summary: "Run the nightly job now (summarize a day, then retention of events and old incidents)",
  tags: ["operations"],
  ...guarded("admin"),
  request: { query: AggregateQuery },
  responses: { 200: json(AggregateReport, "What the job did"), ...errors(400, 401, 403) },
});

export function registerAggregate(app: App): void {
  app.openapi(aggregateRoute, async (c) => {
    const { date } = c.req.valid("query");
    const report = await c.get("services").history.runNightly(date);
    return c.json(report, 200);
  });
}
