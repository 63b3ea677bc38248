// Ordered shutdown: parts of the server register what to do when it stops, by phase.
// "ingest" seals and hands over batched events, "streams" sends what is due and closes clients,
// "storage" writes what is queued, "final" releases connections.
import type { Logger } from "./logger.ts";

export type StopPhase = "ingest" | "streams" | "jobs" | "storage" | "final";
const ORDER: StopPhase[] = ["ingest", "streams", "jobs", "storage", "final"];

type StopStep = () => Promise<void> | void;

export class Lifecycle {
  private readonly steps = new Map<StopPhase, StopStep[]>();
  private stopping: Promise<void> | null = null;

  onStop(phase: StopPhase, step: StopStep): void {
    const list = this.steps.get(phase) ?? [];
    list.push(step);
    this.steps.set(phase, list);
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** Runs every step once, phase by phase; a second call waits for the first. */
  stop(onError: (phase: StopPhase, error: unknown) => void): Promise<void> {
    this.stopping ??= (async () => {
      for (const phase of ORDER) {
        for (const step of this.steps.get(phase) ?? []) {
          try {
            await step();
          } catch (error) {
            onError(phase, error);
          }
        }
      }
    })();
    return this.stopping;
  }
}

/**
 * A promise nobody awaited that rejects (a client's write, a library's background call) is
 * logged, not a crash: Node's default would end the process and every connection with it.
 */
export function logUnhandledRejections(logger: Logger): () => void {
  const onRejection = (reason: unknown) => logger.error("unhandled promise rejection", { err: reason });
  process.on("unhandledRejection", onRejection);
  return () => process.off("unhandledRejection", onRejection);
}
