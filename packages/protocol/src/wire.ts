// Messages of the streaming transports: SSE event payloads and WebSocket frames, both ways.
import { z } from "zod";
import { type Anomaly, AnomalySchema, type Batch, BatchSchema } from "./batch.ts";
import { SourceName } from "./events.ts";
import { type IncidentEvent, IncidentEventSchema } from "./monitoring.ts";

export const MAX_SOURCES_PER_SUBSCRIPTION = 50;
export const MAX_WS_FRAME_BYTES = 16 * 1024;

/** Sent first on every stream. `sources` is null for "all sources". */
export const ConnectedSchema = z.object({
  clientId: z.string(),
  sources: z.array(z.string()).nullable(),
  serverTime: z.string(),
  /** The newest cursor the server has delivered, or null before the first batch. */
  cursor: z.string().nullable(),
});
export type Connected = z.infer<typeof ConnectedSchema>;

/** Sent when a resume cursor is older than what is kept: reload through REST. */
export const ResetSchema = z.object({
  reason: z.string(),
  /** The cursor to continue streaming from after the reload. */
  cursor: z.string().nullable(),
});
export type Reset = z.infer<typeof ResetSchema>;

const Sources = z.array(SourceName).max(MAX_SOURCES_PER_SUBSCRIPTION);

export const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), sources: Sources.optional(), lastEventId: z.string().optional() }),
  z.object({ type: z.literal("unsubscribe"), sources: Sources.optional() }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("status") }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const WS_ERROR_CODES = [
  "invalid_json",
  "invalid_message",
  "unknown_type",
  "frame_too_large",
  "too_many_sources",
  "rate_limited",
  "invalid_cursor",
] as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[number];

export const WsStatusSchema = z.object({
  clientId: z.string(),
  sources: z.array(z.string()).nullable(),
  cursor: z.string().nullable(),
  delivered: z.number().int(),
  connectedAt: z.string(),
});

export type ServerMessage =
  | ({ type: "connected" } & Connected)
  | { type: "subscribed"; sources: string[] | null }
  | { type: "unsubscribed"; sources: string[] | null }
  | ({ type: "metrics" } & Batch)
  | ({ type: "anomaly" } & Anomaly)
  | ({ type: "reset" } & Reset)
  | ({ type: "incident" } & IncidentEvent)
  | { type: "pong"; serverTime: string }
  | ({ type: "status" } & z.infer<typeof WsStatusSchema>)
  | { type: "error"; code: WsErrorCode; message: string };

export const ServerMessageSchema = z.discriminatedUnion("type", [
  ConnectedSchema.extend({ type: z.literal("connected") }),
  z.object({ type: z.literal("subscribed"), sources: z.array(z.string()).nullable() }),
  z.object({ type: z.literal("unsubscribed"), sources: z.array(z.string()).nullable() }),
  BatchSchema.extend({ type: z.literal("metrics") }),
  AnomalySchema.extend({ type: z.literal("anomaly") }),
  ResetSchema.extend({ type: z.literal("reset") }),
  IncidentEventSchema.extend({ type: z.literal("incident") }),
  z.object({ type: z.literal("pong"), serverTime: z.string() }),
  WsStatusSchema.extend({ type: z.literal("status") }),
  z.object({ type: z.literal("error"), code: z.enum(WS_ERROR_CODES), message: z.string() }),
]);

/** SSE event names. `incident` carries no `id:`, so it never moves a resume cursor. */
export const SSE_EVENTS = ["connected", "metrics", "anomaly", "reset", "incident"] as const;
export type SseEventName = (typeof SSE_EVENTS)[number];
