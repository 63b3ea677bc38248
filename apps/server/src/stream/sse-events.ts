// The events of GET /api/v1/stream as schemas: each SSE event's name, id and JSON `data`. They
// document the stream in both the OpenAPI (text/event-stream) and the AsyncAPI document.
import type { SseEventName } from "@scrapewatch/protocol";
import { z } from "zod";
import { Anomaly, Batch, Connected, Reset } from "../http/components.ts";
import { IncidentEvent } from "../routes/monitors/components.ts";

/**
 * The data schema of each SSE event. Typed against the protocol's SSE_EVENTS, so an event added
 * there (the monitors' `incident`) fails to compile until its schema is added here.
 */
export const SSE_EVENT_DATA = {
  connected: Connected,
  metrics: Batch,
  anomaly: Anomaly,
  reset: Reset,
  incident: IncidentEvent,
} satisfies Record<SseEventName, z.ZodType>;

export const SSE_EVENT_SUMMARIES: Record<SseEventName, string> = {
  connected: "First event of every stream: the client id, its sources and the newest cursor.",
  metrics: "A batch of one source's events; the SSE id is its cursor (resume with Last-Event-ID).",
  anomaly: "An anomaly detected on a source's figures.",
  reset: "The resume cursor is older than what is kept: reload through REST, then stream from `cursor`.",
  incident: "An incident of a subscribed source opened or resolved (monitors); never moves the cursor.",
};

function frame<N extends SseEventName, T extends z.ZodType>(name: N, data: T, id: string) {
  return z
    .object({
      event: z.literal(name),
      id: z.string().optional().meta({ description: id }),
      // The `data:` line, as JSON (kept unwrapped so the component reference stays).
      data,
    })
    .meta({ description: SSE_EVENT_SUMMARIES[name] });
}

/** One event of the stream (`event:`, `id:` and `data:` lines); heartbeats are `: ping` comments. */
export const SseEvent = z
  .discriminatedUnion("event", [
    frame("connected", SSE_EVENT_DATA.connected, "Absent."),
    frame("metrics", SSE_EVENT_DATA.metrics, "The batch cursor m-s."),
    frame("anomaly", SSE_EVENT_DATA.anomaly, "Absent."),
    frame("reset", SSE_EVENT_DATA.reset, "The cursor to resume from, when there is one."),
    frame("incident", SSE_EVENT_DATA.incident, "Absent: an incident never moves the resume cursor."),
  ])
  .meta({ id: "SseEvent" });
