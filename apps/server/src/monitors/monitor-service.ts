// Every source's monitor, and the evaluator that opens and resolves its incidents. Every instance
// observes every batch (the bus delivers all of them everywhere), so whichever instance holds the
// evaluator lock has the state; only the holder evaluates and saves what was learned.
import { type Database, type IncidentStore, knownSources, type MonitorStore } from "@scrapewatch/db";
import type { BatchBus } from "@scrapewatch/hub";
import type {
  Anomaly,
  Batch,
  IncidentEvent,
  IncidentKind,
  Monitor,
  MonitorState,
} from "@scrapewatch/protocol";
import type { Logger } from "../logger.ts";
import type { MonitorBroadcast, SettingsChange } from "../scaleout/monitor-broadcast.ts";
import type { EvaluatorLock } from "./evaluator-lock.ts";
import { type EvaluationPolicy, evaluate } from "./evaluator.ts";
import { IncidentLifecycle } from "./incident-lifecycle.ts";
import { MonitorDirectory } from "./monitor-directory.ts";
import { defaultSettings, parseStoredSettings } from "./monitor-settings.ts";
import { monitorState, monitorView, type OpenIncidentRef } from "./monitor-state.ts";
import type { IncidentNotifier } from "./notifier.ts";
import { SourceMonitor } from "./source-monitor.ts";
import type { MonitorConfig } from "./thresholds.ts";

const SAVE_INTERVAL_MS = 5_000;
/**
 * The evaluator re-reads every source's settings this often: a change made on another instance
 * reaches it through the broadcast at once, but a broadcast lost while Redis was away would
 * otherwise leave it evaluating with old settings until a restart.
 */
const SETTINGS_RELOAD_MS = 60_000;

export interface IncidentSink {
  publishIncident(event: IncidentEvent): void;
}

export interface MonitorServiceOptions {
  database: Database;
  monitorStore: MonitorStore;
  incidentStore: IncidentStore;
  bus: BatchBus;
  lock: EvaluatorLock;
  broadcast: MonitorBroadcast;
  notifier: IncidentNotifier;
  logger: Logger;
  policy: EvaluationPolicy;
  tickMs: number;
  newId: () => string;
  /** Looked up per transition: the streams may attach after the monitors start. */
  sink: () => IncidentSink | undefined;
  now?: () => number;
}

export class MonitorService {
  readonly monitors = new Map<string, SourceMonitor>();
  readonly configs = new Map<string, MonitorConfig>();
  readonly lifecycle: IncidentLifecycle;
  /** What the monitor and incident routes ask for. */
  readonly directory: MonitorDirectory;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private leading = false;
  private lastSettingsLoad = 0;
  /** Counts settings changes applied, so a reload that raced one is not applied over it. */
  private settingsChanges = 0;
  private lastSaved = 0;
  private stopBus: () => void = () => {};
  /** Duration of the newest evaluation pass (ms), for stats and the benchmark. */
  lastPassMs = 0;

  constructor(private readonly options: MonitorServiceOptions) {
    this.now = options.now ?? Date.now;
    this.lifecycle = new IncidentLifecycle({
      store: options.incidentStore,
      notifier: options.notifier,
      logger: options.logger,
      newId: options.newId,
      publish: (event) => options.broadcast.publish({ type: "incident", event }),
      monitorOf: (source) => this.view(source),
    });
    this.directory = new MonitorDirectory(
      this,
      options.monitorStore,
      options.incidentStore,
      options.broadcast,
      options.notifier,
    );
    options.broadcast.onMessage((message) => {
      if (message.type === "incident") {
        // Followers keep the open incidents too: their monitors' states and views depend on them.
        this.lifecycle.track(message.event);
        this.deliver(message.event);
      } else this.applySettings(message.change);
    });
  }

  get isEvaluator(): boolean {
    return this.leading;
  }

  /** Loads settings, learned state and open incidents, then follows the bus and ticks. */
  async start(): Promise<void> {
    const { monitorStore, database } = this.options;
    for (const known of await knownSources(database)) {
      const monitor = this.monitorOf(known.source);
      monitor.kind = known.kind;
      monitor.lastEventAt = known.lastSeen.getTime();
    }
    for (const stored of await monitorStore.listStates()) {
      this.monitors.set(
        stored.source,
        SourceMonitor.fromJSON(stored.source, stored.kind, safeJson(stored.state)),
      );
    }
    await this.reloadSettings();
    await this.lifecycle.load();
    this.stopBus = this.options.bus.onBatch((batch) => this.observe(batch));
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  observe(batch: Pick<Batch, "source" | "metrics">): void {
    const monitor = this.monitorOf(batch.source);
    for (const metric of batch.metrics) monitor.observe(metric);
  }

  /** Called for every anomaly, on every instance: it opens (or prolongs) an `anomaly` incident. */
  observeAnomaly(anomaly: Anomaly): void {
    this.monitorOf(anomaly.source).observeAnomaly(anomaly.metric, Date.parse(anomaly.detectedAt));
  }

  /** One tick: hold the lock, evaluate every monitor, save what changed now and then. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runTick()
      .catch((error: unknown) => this.options.logger.error("monitor evaluation failed", { err: error }))
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    const leading = await this.options.lock.hold();
    if (leading && !this.leading) {
      // Taking over: the previous evaluator's incidents are in the database.
      await this.lifecycle.load();
      this.options.logger.info("this instance evaluates the monitors");
    }
    const takingOver = leading && !this.leading;
    this.leading = leading;
    if (!leading) return;
    if (takingOver || this.now() - this.lastSettingsLoad >= SETTINGS_RELOAD_MS) {
      // A database away must not stop the evaluation: keep the settings held, retry in a minute.
      await this.reloadSettings().catch((error: unknown) => {
        this.lastSettingsLoad = this.now();
        this.options.logger.warn("re-reading monitor settings failed", { err: error });
      });
    }
    this.evaluateAll(this.now());
    if (this.now() - this.lastSaved >= SAVE_INTERVAL_MS) await this.saveStates();
  }

  /** One evaluation pass over every monitor (synchronous; transitions are applied in the background). */
  evaluateAll(now: number): void {
    const started = performance.now();
    const { policy } = this.options;
    const lifecycle = this.lifecycle;
    for (const [source, monitor] of this.monitors) {
      const config = this.configOf(source);
      if (config.settings.paused) continue;
      const wanted = evaluate(monitor, config, now, policy, (kind, key) =>
        lifecycle.isOpen(source, kind, key),
      );
      lifecycle.reconcile(source, wanted, now);
    }
    this.lastPassMs = performance.now() - started;
  }

  async saveStates(): Promise<void> {
    this.lastSaved = this.now();
    const dirty = [...this.monitors.values()].filter((monitor) => monitor.dirty);
    if (dirty.length === 0) return;
    for (const monitor of dirty) monitor.dirty = false;
    const updatedAt = new Date(this.lastSaved);
    try {
      await this.options.monitorStore.saveStates(
        dirty.map((m) => ({ source: m.source, kind: m.kind, state: JSON.stringify(m.toJSON()), updatedAt })),
      );
    } catch (error) {
      for (const monitor of dirty) monitor.dirty = true;
      this.options.logger.warn("saving monitor state failed; retried later", { err: error });
    }
  }

  /** Stops ticking and following the bus; the evaluator saves its state and lets go of the lock. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopBus();
    await this.ticking;
    await this.lifecycle.idle();
    if (this.leading) await this.saveStates();
    this.leading = false;
    await this.options.lock.release();
  }

  configOf(source: string): MonitorConfig {
    return this.configs.get(source) ?? DEFAULT_CONFIG;
  }

  monitorOf(source: string): SourceMonitor {
    let monitor = this.monitors.get(source);
    if (!monitor) {
      monitor = new SourceMonitor(source);
      this.monitors.set(source, monitor);
    }
    return monitor;
  }

  /** The monitor as the API shows it, or null for a source neither seen nor configured. */
  view(source: string, now = this.now()): Monitor | null {
    const monitor = this.monitors.get(source);
    if (!monitor) return null;
    const open = this.lifecycle
      .openFor(source)
      .map((incident) => ({ id: incident.id, kind: incident.kind as IncidentKind }));
    return monitorView(monitor, this.configOf(source), open, now, this.options.policy);
  }

  /** Monitors per state, for the /metrics gauge (in memory, cheap enough for every scrape). */
  countByState(now = this.now()): Partial<Record<MonitorState, number>> {
    const counts: Partial<Record<MonitorState, number>> = {};
    for (const [source, monitor] of this.monitors) {
      const open = this.lifecycle.openFor(source) as readonly OpenIncidentRef[];
      const state = monitorState(monitor, this.configOf(source), open, now, this.options.policy);
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  }

  /** Open incidents per kind, for the /metrics gauge. */
  openCountByKind(): Partial<Record<IncidentKind, number>> {
    const counts: Partial<Record<IncidentKind, number>> = {};
    for (const source of this.monitors.keys()) {
      for (const incident of this.lifecycle.openFor(source)) {
        const kind = incident.kind as IncidentKind;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
    }
    return counts;
  }

  /**
   * Reads every source's stored settings and applies them (those deleted meanwhile go back to the
   * defaults). Skipped when a change arrived while reading: the stored rows may predate it.
   */
  async reloadSettings(): Promise<void> {
    const changesBefore = this.settingsChanges;
    const stored = await this.options.monitorStore.listSettings();
    if (this.settingsChanges !== changesBefore) return;
    const present = new Set(stored.map((entry) => entry.source));
    for (const source of [...this.configs.keys()]) {
      if (!present.has(source)) this.applySettings({ source, settings: null, scheduleSetAt: null });
    }
    for (const entry of stored) {
      this.applySettings({
        source: entry.source,
        settings: entry.settings,
        scheduleSetAt: entry.scheduleSetAt?.getTime() ?? null,
      });
    }
    this.lastSettingsLoad = this.now();
  }

  /** Takes a settings change made on any instance. */
  applySettings(change: SettingsChange): void {
    this.settingsChanges += 1;
    if (change.settings === null) {
      this.configs.delete(change.source);
      const monitor = this.monitors.get(change.source);
      // Never seen and nothing open: it goes (GET answers 404 again). With an incident open, it
      // stays so that the evaluator resolves that incident under the defaults.
      if (monitor && monitor.lastEventAt === null && this.lifecycle.openFor(change.source).length === 0) {
        this.monitors.delete(change.source);
      }
      return;
    }
    const settings = parseStoredSettings(change.settings);
    this.configs.set(change.source, { settings, scheduleSetAt: change.scheduleSetAt });
    const monitor = this.monitorOf(change.source);
    if (monitor.lastEventAt === null && settings.schedule) monitor.kind = "scheduler";
  }

  private deliver(event: IncidentEvent): void {
    try {
      this.options.sink()?.publishIncident(event);
    } catch (error) {
      this.options.logger.error("sending an incident to the streams failed", { err: error });
    }
  }
}

const DEFAULT_CONFIG: MonitorConfig = { settings: defaultSettings(), scheduleSetAt: null };

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
