// Path and query parameters of the monitor routes.
import { MONITOR_STATES, SourceName } from "@scrapewatch/protocol";
import { z } from "zod";
import { limitParam } from "../../http/query-params.ts";

export const SourcePath = z.object({
  source: SourceName.meta({ param: { name: "source", in: "path" }, example: "robinhood" }),
});

export const MonitorsQuery = z.object({
  state: z.enum(MONITOR_STATES).optional().meta({ description: "Only monitors in this state." }),
  after: SourceName.optional().meta({
    description: "Only sources after this one (the previous page's nextCursor).",
  }),
  limit: limitParam(1000, 100),
});
