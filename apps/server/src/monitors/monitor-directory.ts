// What the monitor and incident routes ask for: pages of monitors, one monitor, settings changes
// (stored, then told to every instance), and incidents with their deliveries.
import type { IncidentStore, MonitorStore } from "@scrapewatch/db";
import type {
  Incident,
  IncidentKind,
  Monitor,
  MonitorSettingsPatch,
  MonitorState,
} from "@scrapewatch/protocol";
import type { MonitorBroadcast } from "../scaleout/monitor-broadcast.ts";
import { toIncident } from "./incident-lifecycle.ts";
import type { MonitorService } from "./monitor-service.ts";
import { mergeSettings, scheduleChanged } from "./monitor-settings.ts";
import type { IncidentNotifier } from "./notifier.ts";

export interface MonitorPageQuery {
  state?: MonitorState;
  after?: string;
  limit: number;
}

export interface IncidentPageQuery {
  state?: "open" | "resolved";
  source?: string;
  kind?: IncidentKind;
  after?: string;
  limit: number;
}

export class MonitorDirectory {
  constructor(
    private readonly monitors: MonitorService,
    private readonly monitorStore: MonitorStore,
    private readonly incidentStore: IncidentStore,
    private readonly broadcast: MonitorBroadcast,
    private readonly notifier: IncidentNotifier,
  ) {}

  /** Monitors in source order after `after`, optionally in one state. */
  list(query: MonitorPageQuery): { items: Monitor[]; nextCursor: string | null } {
    const now = Date.now();
    const sources = [...this.monitors.monitors.keys()].filter(
      (s) => query.after === undefined || s > query.after,
    );
    sources.sort();
    const items: Monitor[] = [];
    for (const source of sources) {
      const monitor = this.monitors.view(source, now);
      if (!monitor || (query.state !== undefined && monitor.state !== query.state)) continue;
      items.push(monitor);
      if (items.length >= query.limit) break;
    }
    const full = items.length >= query.limit;
    return { items, nextCursor: full ? (items[items.length - 1]?.source ?? null) : null };
  }

  get(source: string): Monitor | null {
    return this.monitors.view(source);
  }

  /** Merges the patch into the source's settings; throws InvalidSetting naming a bad field. */
  async update(source: string, patch: MonitorSettingsPatch): Promise<Monitor> {
    const current = this.monitors.configOf(source);
    const settings = mergeSettings(current.settings, patch);
    const now = Date.now();
    // A new schedule counts missed runs from now, not from long before it existed.
    const scheduleSetAt =
      settings.schedule === null
        ? null
        : scheduleChanged(current.settings, settings)
          ? now
          : (current.scheduleSetAt ?? now);
    const json = JSON.stringify(settings);
    await this.monitorStore.putSettings({
      source,
      settings: json,
      scheduleSetAt: scheduleSetAt === null ? null : new Date(scheduleSetAt),
      updatedAt: new Date(now),
    });
    this.broadcast.publish({ type: "settings", change: { source, settings: json, scheduleSetAt } });
    const monitor = this.monitors.view(source);
    if (!monitor) throw new Error(`monitor ${source} missing right after its settings were stored`);
    return monitor;
  }

  /** Back to the defaults; false when the source is neither seen nor configured. */
  async reset(source: string): Promise<boolean> {
    if (!this.monitors.monitors.has(source)) return false;
    await this.monitorStore.deleteSettings(source);
    this.broadcast.publish({ type: "settings", change: { source, settings: null, scheduleSetAt: null } });
    return true;
  }

  async incidents(query: IncidentPageQuery): Promise<{ items: Incident[]; nextCursor: string | null }> {
    const stored = await this.incidentStore.list(query);
    const notifications = await this.notifier.notificationsFor(stored.map((i) => i.id));
    const items = stored.map((incident) => toIncident(incident, notifications.get(incident.id) ?? []));
    const full = items.length >= query.limit;
    return { items, nextCursor: full ? (items[items.length - 1]?.id ?? null) : null };
  }

  async incident(id: string): Promise<Incident | null> {
    const stored = await this.incidentStore.get(id);
    if (!stored) return null;
    const notifications = await this.notifier.notificationsFor([id]);
    return toIncident(stored, notifications.get(id) ?? []);
  }
}
