// Incidents, monitors and a notification side of their own for tests: a fresh database each,
// quick polling, and a silent logger.
import { randomBytes } from "node:crypto";
import { type Database, type Dialect, openDatabase } from "@scrapewatch/db";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import {
  type Incident,
  type IncidentKind,
  type Monitor,
  MonitorSettings,
  type MonitorSettingsPatch,
  type Notification,
} from "@scrapewatch/protocol";
import { createLogger, type LogLevel } from "../src/logger.ts";
import {
  type NotificationEnv,
  type Notifications,
  startNotifications,
} from "../src/notifications/notifications.ts";

export const uniqueName = (prefix = "ch") => `${prefix}-${randomBytes(4).toString("hex")}`;

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: `inc-${randomBytes(6).toString("hex")}`,
    source: uniqueName("src"),
    kind: "silence" as IncidentKind,
    key: "",
    state: "open",
    openedAt: new Date().toISOString(),
    resolvedAt: null,
    summary: "cnbc has sent nothing for 25 minutes (usually every 5 minutes)",
    details: {},
    silenced: false,
    notifications: [],
    ...overrides,
  };
}

export function monitor(source: string, settings: MonitorSettingsPatch = {}): Monitor {
  return {
    source,
    kind: "scraper",
    state: "down",
    settings: MonitorSettings.parse(settings),
    learned: { intervalSeconds: 300, runDurationP95Ms: null },
    effective: { silenceAfterSeconds: 1500, maxRuntimeSeconds: null },
    lastEventAt: new Date().toISOString(),
    nextExpectedAt: null,
    runningSince: null,
    openIncidents: [],
  };
}

/** Tells a notification side that the incident opened, as the monitors do, with its source's monitor. */
export async function notifyOpened(
  notifications: Notifications,
  opened: Incident = incident(),
  settings: MonitorSettingsPatch = {},
): Promise<Incident> {
  await notifications.notifier.incidentChanged({
    action: "opened",
    incident: opened,
    monitor: monitor(opened.source, settings),
  });
  return opened;
}

/** One incident's deliveries, as GET /api/v1/incidents shows them. */
export async function deliveriesOf(
  notifications: Notifications,
  incidentId: string,
): Promise<Notification[]> {
  return (await notifications.notifier.notificationsFor([incidentId])).get(incidentId) ?? [];
}

export const TEST_NOTIFICATION_ENV: NotificationEnv = {
  ALERT_WEBHOOK_URL: undefined,
  ALERT_WEBHOOK_SECRET: undefined,
  SMTP_URL: undefined,
  ALERT_EMAIL_FROM: "Scrapewatch <alerts@scrapewatch.test>",
  DELIVERY_CONCURRENCY: 4,
  DELIVERY_MAX_IN_FLIGHT: 64,
  DELIVERY_TIMEOUT_MS: 2_000,
  DELIVERY_POLL_MS: 50,
  DELIVERY_RETRY_HOURS: 24,
};

export interface NotificationHarness {
  database: Database;
  url: string;
  notifications: Notifications;
  /** Another instance's notification side on the same database (its own connection). */
  startAnother(
    env?: Partial<NotificationEnv>,
  ): Promise<{ notifications: Notifications; close(): Promise<void> }>;
  /** Stops this instance's notifications (not the database): a restart starts another. */
  stopNotifications(): Promise<void>;
  close(): Promise<void>;
}

export async function notificationHarness(
  options: { dialect?: Dialect; env?: Partial<NotificationEnv> } = {},
): Promise<NotificationHarness> {
  const { url, drop } = await createTestDatabaseUrl(options.dialect ?? "sqlite");
  const logger = createLogger((process.env.TEST_LOG_LEVEL ?? "silent") as LogLevel);
  const database = await openDatabase(url);
  const notifications = await startNotifications({
    env: { ...TEST_NOTIFICATION_ENV, ...options.env },
    database,
    logger,
  });
  const others: { close(): Promise<void> }[] = [];
  let stopped = false;
  return {
    database,
    url,
    notifications,
    async startAnother(env = {}) {
      const otherDatabase = await openDatabase(url, { migrate: false });
      const other = await startNotifications({
        env: { ...TEST_NOTIFICATION_ENV, ...options.env, ...env },
        database: otherDatabase,
        logger,
      });
      let closed = false;
      const handle = {
        notifications: other,
        async close() {
          if (closed) return;
          closed = true;
          await other.stop(0);
          await otherDatabase.close();
        },
      };
      others.push(handle);
      return handle;
    },
    async stopNotifications() {
      if (stopped) return;
      stopped = true;
      await notifications.stop(0);
    },
    async close() {
      for (const other of others) await other.close();
      if (!stopped) await notifications.stop(0);
      await database.close();
      await drop();
    },
  };
}
