import type { Incident } from "@scrapewatch/protocol";
import { describe, expect, it } from "vitest";
import { BrowserAlerts, type NotificationApi } from "./browser-alerts.ts";

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: "i1",
    source: "cnbc",
    kind: "silence",
    key: "",
    state: "open",
    openedAt: "2026-12-06T10:00:00.000Z",
    resolvedAt: null,
    summary: "cnbc has sent nothing for 25 minutes (usually every 5 minutes)",
    details: {},
    silenced: false,
    notifications: [],
    ...overrides,
  };
}

/** A browser's Notification API whose answer to the permission prompt is `answer`. */
function fakeBrowser(initial: NotificationPermission, answer: NotificationPermission) {
  const shown: { title: string; options?: NotificationOptions; closed: boolean; click(): void }[] = [];
  let prompts = 0;
  const api = class {
    static permission: NotificationPermission = initial;
    static async requestPermission() {
      prompts++;
      api.permission = answer;
      return answer;
    }
    onclick: ((event: Event) => unknown) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      const entry = {
        title,
        options,
        closed: false,
        click: () => this.onclick?.(new Event("click")),
      };
      shown.push(entry);
      this.close = () => {
        entry.closed = true;
      };
    }
    close() {}
  };
  const stored = new Map<string, string>();
  const storage = {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
  };
  return { api: api as NotificationApi, shown, storage, prompts: () => prompts };
}

describe("browser alerts", () => {
  it("are off until asked for, then show each transition once per incident and bring up the incidents page", async () => {
    const browser = fakeBrowser("default", "granted");
    let shownIncidents = 0;
    const alerts = new BrowserAlerts({
      notifications: browser.api,
      storage: browser.storage,
      showIncidents: () => shownIncidents++,
    });
    alerts.notify({ action: "opened", incident: incident() });
    expect(browser.shown).toHaveLength(0);
    expect(alerts.state).toBe("off");

    let changes = 0;
    alerts.subscribe(() => changes++);
    expect(await alerts.enable()).toBe("on");
    expect(changes).toBe(1);
    expect(browser.prompts()).toBe(1);

    alerts.notify({ action: "opened", incident: incident() });
    alerts.notify({ action: "resolved", incident: incident({ state: "resolved" }) });
    expect(browser.shown.map((n) => [n.title, n.options?.body, n.options?.tag])).toEqual([
      ["Silent: cnbc", "cnbc has sent nothing for 25 minutes (usually every 5 minutes)", "i1:opened"],
      [
        "Resolved: cnbc",
        "Silent — cnbc has sent nothing for 25 minutes (usually every 5 minutes)",
        "i1:resolved",
      ],
    ]);
    browser.shown[0]?.click();
    expect(shownIncidents).toBe(1);
    expect(browser.shown[0]?.closed).toBe(true);

    // Remembered for the next visit, and off again when asked.
    const nextVisit = new BrowserAlerts({
      notifications: browser.api,
      storage: browser.storage,
      showIncidents() {},
    });
    expect(nextVisit.state).toBe("on");
    nextVisit.disable();
    expect(nextVisit.state).toBe("off");
  });

  it("stay quiet for silenced incidents", async () => {
    const browser = fakeBrowser("granted", "granted");
    const alerts = new BrowserAlerts({
      notifications: browser.api,
      storage: browser.storage,
      showIncidents() {},
    });
    await alerts.enable();
    expect(browser.prompts()).toBe(0);
    alerts.notify({ action: "opened", incident: incident({ silenced: true }) });
    expect(browser.shown).toHaveLength(0);
  });

  it("say why they cannot be turned on", async () => {
    const refused = fakeBrowser("default", "denied");
    const alerts = new BrowserAlerts({
      notifications: refused.api,
      storage: refused.storage,
      showIncidents() {},
    });
    expect(await alerts.enable()).toBe("denied");
    alerts.notify({ action: "opened", incident: incident() });
    expect(refused.shown).toHaveLength(0);
    const none = new BrowserAlerts({ notifications: undefined, storage: undefined, showIncidents() {} });
    expect(none.state).toBe("unsupported");
    expect(await none.enable()).toBe("unsupported");
  });
});
