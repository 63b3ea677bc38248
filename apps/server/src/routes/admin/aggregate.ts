// POST /api/v1/admin/aggregate?date=YYYY-MM-DD: runs the nightly job now (summarize the day,
// default yesterday, then apply retention), under the same database lock as the scheduled run.
// An administrative action: guarded by ADMIN_TOKENS.
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import type { App, AppEnv } from "../../app-types.ts";
import { requireToken } from "../../http/auth.ts";
import { DateParam } from "../../http/query-params.ts";
import { parseQuery, type RouteSpec } from "../../http/route-spec.ts";

const AggregateQuery = z.object({
  date: DateParam.optional().meta({ description: "UTC day to summarize; default yesterday." }),
});

const AggregateReport = z.object({
  ran: z.boolean().meta({ description: "False when another instance held the lock." }),
  summarized: z.array(z.unknown()),
  cutoff: z.string(),
  deleted: z.number().int(),
  deletedThrough: z.string().nullable().meta({
    description: "Position of the newest deleted row; stream resumes from an older cursor get `reset`.",
  }),
});

export const aggregateSpec: RouteSpec = {
  method: "post",
  path: "/api/v1/admin/aggregate",
  summary: "Run the nightly job now (summarize a day, then retention)",
  tag: "operations",
  auth: "admin",
  query: AggregateQuery,
  responses: { 200: { description: "What the job did", schema: AggregateReport } },
};

const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) =>
  requireToken(c.get("services").tokens.admin, "admin")(c, next);

export function registerAggregate(app: App): void {
  app.post(aggregateSpec.path, requireAdmin, async (c) => {
    const { date } = parseQuery(c, AggregateQuery);
    const report = await c.get("services").history.runNightly(date);
    return c.json(report);
  });
}
