// The body of POST /api/v1/metrics and its answer.
import { z } from "zod";
import { MAX_EVENTS_PER_REQUEST } from "./events.ts";

/**
 * The envelope only: each event is validated on its own afterwards, so that a 400 can name the
 * index and reason of every bad event rather than zod's first failure.
 */
export const IngestEnvelope = z.union([
  z.object({ metrics: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_REQUEST) }),
  z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_REQUEST),
]);

export const IngestAccepted = z.object({ accepted: z.number().int(), ids: z.array(z.string()) });
export type IngestAccepted = z.infer<typeof IngestAccepted>;

export interface EventIssue {
  index: number;
  path: string;
  message: string;
}

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
