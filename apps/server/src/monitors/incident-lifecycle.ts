// Opens and resolves incidents: compares what the evaluator wants open with what is open, stores
// each transition, streams it and hands it to the notifier. Transitions are applied one at a time
// in the background; while one is in flight, its (source, kind, key) is not touched again.
import type { IncidentStore, StoredIncident } from "@scrapewatch/db";
import type { Incident, IncidentEvent, IncidentKind, Monitor, Notification } from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";
import type { Condition } from "./evaluator.ts";
import type { IncidentNotifier } from "./notifier.ts";

export interface IncidentLifecycleOptions {
  store: IncidentStore;
  notifier: IncidentNotifier;
  logger: Logger;
  newId: () => string;
  /** Streams a transition to subscribers (on every instance). */
  publish: (event: IncidentEvent) => void;
  /** The source's monitor as it is now, for the notifier. */
  monitorOf: (source: string) => Monitor | null;
}

type Transition =
  | { action: "opened"; source: string; condition: Condition; at: Date }
  | { action: "resolved"; incident: StoredIncident; at: Date };

const slot = (kind: string, key: string) => `${kind}\u001f${key}`;

export class IncidentLifecycle {
  /** Open incidents by source, then by (kind, key). */
  private readonly open = new Map<string, Map<string, StoredIncident>>();
  private readonly inFlight = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  transitions = 0;

  constructor(private readonly options: IncidentLifecycleOptions) {}

  /** Reads the open incidents from storage (at start, and when this instance takes over). */
  async load(): Promise<void> {
    const open = await this.options.store.listOpen();
    this.open.clear();
    for (const incident of open) this.remember(incident);
  }

  openFor(source: string): StoredIncident[] {
    return [...(this.open.get(source)?.values() ?? [])];
  }

  isOpen(source: string, kind: IncidentKind, key: string): boolean {
    return this.open.get(source)?.has(slot(kind, key)) ?? false;
  }

  /** Queues the transitions that bring the source's open incidents to `wanted`. */
  reconcile(source: string, wanted: readonly Condition[], now: number): void {
    const open = this.open.get(source);
    if (wanted.length === 0 && !open) return;
    const at = new Date(now);
    const wantedSlots = new Set<string>();
    for (const condition of wanted) {
      const key = slot(condition.kind, condition.key);
      wantedSlots.add(key);
      if (open?.has(key)) continue;
      this.enqueue(`${source}\u001f${key}`, { action: "opened", source, condition, at });
    }
    if (!open) return;
    for (const [key, incident] of open) {
      if (!wantedSlots.has(key)) this.enqueue(`${source}\u001f${key}`, { action: "resolved", incident, at });
    }
  }

  /** Follows a transition made by whichever instance evaluates (this one included). */
  track(event: IncidentEvent): void {
    const { incident } = event;
    const stored: StoredIncident = {
      ...incident,
      openedAt: new Date(incident.openedAt),
      resolvedAt: incident.resolvedAt === null ? null : new Date(incident.resolvedAt),
    };
    if (event.action === "opened") this.remember(stored);
    else this.forget(stored);
  }

  /** Resolves when every queued transition is applied. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(flightKey: string, transition: Transition): void {
    if (this.inFlight.has(flightKey)) return;
    this.inFlight.add(flightKey);
    this.queue = this.queue
      .then(() => this.apply(transition))
      .catch((error: unknown) =>
        this.options.logger.error("incident transition failed; retried at the next tick", {
          action: transition.action,
          err: error,
        }),
      )
      .finally(() => this.inFlight.delete(flightKey));
  }

  private async apply(transition: Transition): Promise<void> {
    const { store, notifier } = this.options;
    let incident: StoredIncident;
    if (transition.action === "opened") {
      const { source, condition, at } = transition;
      const silenced = await notifier.isSilenced(source, condition.kind);
      const opened = await store.open({
        id: this.options.newId(),
        source,
        kind: condition.kind,
        key: condition.key,
        state: "open",
        openedAt: at,
        resolvedAt: null,
        summary: condition.summary,
        details: condition.details,
        silenced,
      });
      this.remember(opened.incident);
      // Opened earlier by another evaluator (a takeover): already streamed and notified.
      if (!opened.created) return;
      incident = opened.incident;
    } else {
      const resolved = await store.resolve(transition.incident.id, transition.at);
      this.forget(transition.incident);
      if (!resolved) return;
      incident = resolved;
    }
    this.transitions += 1;
    const wire = toIncident(incident, []);
    this.options.publish({ action: transition.action, incident: wire });
    const monitor = this.options.monitorOf(incident.source);
    if (monitor) await notifier.incidentChanged({ action: transition.action, incident: wire, monitor });
  }

  private remember(incident: StoredIncident): void {
    let bySlot = this.open.get(incident.source);
    if (!bySlot) {
      bySlot = new Map();
      this.open.set(incident.source, bySlot);
    }
    bySlot.set(slot(incident.kind, incident.key), incident);
  }

  private forget(incident: StoredIncident): void {
    const bySlot = this.open.get(incident.source);
    if (!bySlot) return;
    bySlot.delete(slot(incident.kind, incident.key));
    if (bySlot.size === 0) this.open.delete(incident.source);
  }
}

/** A stored incident in its wire shape. */
export function toIncident(incident: StoredIncident, notifications: Notification[]): Incident {
  return {
    id: incident.id,
    source: incident.source,
    kind: incident.kind as IncidentKind,
    key: incident.key,
    state: incident.state,
    openedAt: incident.openedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    summary: incident.summary,
    details: incident.details,
    silenced: incident.silenced,
    notifications,
  };
}
