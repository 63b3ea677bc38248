// The listener sets of MetricsStream: a listener that throws is reported as an `error` event
// instead of breaking delivery to the others.
import type { MetricsStreamEvents } from "./stream-types.ts";

type EventName = keyof MetricsStreamEvents;

export class StreamEmitter {
  private readonly listeners = new Map<EventName, Set<unknown>>();

  on<E extends EventName>(event: E, listener: MetricsStreamEvents[E]): void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
  }

  off<E extends EventName>(event: E, listener: MetricsStreamEvents[E]): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit<E extends EventName>(event: E, ...args: Parameters<MetricsStreamEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (...a: Parameters<MetricsStreamEvents[E]>) => void)(...args);
      } catch (error) {
        if (event !== "error") this.emit("error", error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
