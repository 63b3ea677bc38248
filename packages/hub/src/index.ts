// Public entry of @scrapewatch/hub: the transport-agnostic streaming core.
export { Batcher } from "./batcher.ts";
export type { BatcherOptions } from "./batcher.ts";
export { LocalBatchBus } from "./bus.ts";
export type { BatchBus, BatchListener } from "./bus.ts";
export { CursorClock } from "./cursor-clock.ts";
