// The /metrics series of monitors and notifications (SPEC section 14): monitor states are read at
// scrape time, notification outcomes are counted as they happen. server-metrics.ts wires them in.
import { Counter, Gauge, type Registry } from "prom-client";

export const MONITOR_STATES = ["new", "up", "late", "down", "failing", "paused"] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

export const NOTIFICATION_OUTCOMES = ["sent", "failed", "retried", "suppressed"] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

export interface MonitorCounts {
  /** Monitors per state; a state left out reports 0. */
  states: Partial<Record<MonitorState, number>>;
  /** Open incidents per kind (silence, missed_run, …), when known. */
  openIncidents?: Record<string, number>;
}

/**
 * Registers `scrapewatch_monitors{state}` and `scrapewatch_open_incidents{kind}`, both read from
 * `read` at each scrape (so nothing is kept twice; `read` should be a cheap in-memory count).
 * Call once per registry.
 */
export function registerMonitorMetrics(registry: Registry, read: () => MonitorCounts): void {
  new Gauge({
    name: "scrapewatch_monitors",
    help: "Monitors by state (new, up, late, down, failing, paused).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const { states } = read();
      this.reset();
      for (const state of MONITOR_STATES) this.set({ state }, states[state] ?? 0);
    },
  });
  new Gauge({
    name: "scrapewatch_open_incidents",
    help: "Open incidents by kind.",
    labelNames: ["kind"] as const,
    registers: [registry],
    collect() {
      const counts = read().openIncidents ?? {};
      this.reset();
      for (const [kind, value] of Object.entries(counts)) this.set({ kind }, value);
    },
  });
}

/** Counts each notification attempt's outcome by channel type (webhook, slack, discord, email). */
export class NotificationMetrics {
  private readonly counter: Counter<"channel_type" | "outcome">;

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: "scrapewatch_notifications_total",
      help: "Notification attempts by channel type and outcome (sent, failed, retried, suppressed).",
      labelNames: ["channel_type", "outcome"] as const,
      registers: [registry],
    });
  }

  count(channelType: string, outcome: NotificationOutcome): void {
    this.counter.inc({ channel_type: channelType, outcome });
  }
}
