// Incidents as the browser's own notifications while a dashboard tab is open (SPEC 14, optional):
// for whoever keeps the dashboard in a background tab and has no channel yet. Opt-in per browser
// (remembered in localStorage), only once the browser grants the permission; silenced incidents
// stay quiet here as they do on every channel.
import type { IncidentEvent } from "@scrapewatch/protocol";
import { KIND_LABELS } from "./kind-labels.ts";

/** `unsupported`: no Notification API (or not a secure context); `denied`: the user blocked it. */
export type BrowserAlertsState = "unsupported" | "denied" | "off" | "on";

interface ShownNotification {
  onclick: ((event: Event) => unknown) | null;
  close(): void;
}

/** The part of the browser's `Notification` this uses, so tests can pass their own. */
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): ShownNotification;
}

export interface BrowserAlertsDeps {
  notifications: NotificationApi | undefined;
  storage: Pick<Storage, "getItem" | "setItem"> | undefined;
  /** Brings the tab forward on the incidents page when a notification is clicked. */
  showIncidents(): void;
}

const WANTED_KEY = "scrapewatch.browserAlerts";

export class BrowserAlerts {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: BrowserAlertsDeps) {}

  get state(): BrowserAlertsState {
    const api = this.deps.notifications;
    if (!api) return "unsupported";
    if (api.permission === "denied") return "denied";
    return api.permission === "granted" && this.wanted() ? "on" : "off";
  }

  /** Asks the browser for the permission (it must come from a click) and turns alerts on if given. */
  async enable(): Promise<BrowserAlertsState> {
    const api = this.deps.notifications;
    if (!api) return "unsupported";
    const permission = api.permission === "granted" ? "granted" : await api.requestPermission();
    if (permission === "granted") this.remember(true);
    this.changed();
    return this.state;
  }

  disable(): void {
    this.remember(false);
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify({ action, incident }: IncidentEvent): void {
    const api = this.deps.notifications;
    if (!api || this.state !== "on" || incident.silenced) return;
    const label = KIND_LABELS[incident.kind];
    const title = action === "opened" ? `${label}: ${incident.source}` : `Resolved: ${incident.source}`;
    const body = action === "opened" ? incident.summary : `${label} — ${incident.summary}`;
    try {
      // The tag makes several open tabs show one notification per transition, not one each.
      const shown = new api(title, { body, tag: `${incident.id}:${action}` });
      shown.onclick = () => {
        this.deps.showIncidents();
        shown.close();
      };
    } catch {
      // Some browsers (Chrome on Android) show notifications only from a service worker.
    }
  }

  private wanted(): boolean {
    try {
      return this.deps.storage?.getItem(WANTED_KEY) === "on";
    } catch {
      return false;
    }
  }

  private remember(on: boolean): void {
    try {
      this.deps.storage?.setItem(WANTED_KEY, on ? "on" : "off");
    } catch {
      // Storage refused (private mode): alerts stay as they were.
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The page's instance, on the real browser APIs. */
export function browserAlertsOfWindow(showIncidents: () => void): BrowserAlerts {
  const notifications =
    typeof Notification === "undefined" || !window.isSecureContext ? undefined : Notification;
  let storage: Storage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined;
  }
  return new BrowserAlerts({ notifications, storage, showIncidents });
}
