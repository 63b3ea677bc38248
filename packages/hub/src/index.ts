// Public entry of @scrapewatch/hub: the transport-agnostic streaming core.

export type { BatcherOptions } from "./batcher.ts";
export { Batcher } from "./batcher.ts";
export type { BatchBus, BatchListener } from "./bus.ts";
export { LocalBatchBus } from "./bus.ts";
export { CursorClock } from "./cursor-clock.ts";
export { estimateEventBytes, estimateEventsBytes } from "./event-bytes.ts";
export type { FrameEncoder, Subscriber } from "./fanout.ts";
export { FanOut } from "./fanout.ts";
export type { PositionedMetric } from "./regroup.ts";
export { batchesFromEvents, toBatch } from "./regroup.ts";
export type { ResumePlan } from "./replay-buffer.ts";
export { ReplayBuffer } from "./replay-buffer.ts";
