// What the live layer hands to the UI: an accepted metric with its delivery position.
import type { Metric } from "@scrapewatch/protocol";

/** A metric plus its event cursor `<ms>-<seq>-<index>` (REST pages carry the same). */
export type LiveEvent = Metric & { cursor: string };

export type TransportKind = "sse" | "websocket";

/** What the badge shows; each maps to exactly one text (see connection-label.ts). */
export type LinkState = "connecting" | "live" | "reconnecting" | "polling" | "offline";

/** `null` means every source. */
export type SourceSelection = readonly string[] | null;
