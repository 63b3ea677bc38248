// What `POST /api/v1/channels/{name}/test` sends: an incident and monitor shaped like real ones,
// so a receiver can test its parsing, plainly marked as a test.
import { type Incident, type Monitor, MonitorSettings } from "@scrapewatch/protocol";

const TEST_SOURCE = "scrapewatch-test";

export function sampleIncident(now: Date): Incident {
  return {
    id: "test",
    source: TEST_SOURCE,
    kind: "silence",
    key: "",
    state: "open",
    openedAt: now.toISOString(),
    resolvedAt: null,
    summary: "This is a test notification from Scrapewatch; nothing is wrong.",
    details: { test: true },
    silenced: false,
    notifications: [],
  };
}

export function sampleMonitor(now: Date): Monitor {
  return {
    source: TEST_SOURCE,
    kind: "scraper",
    state: "up",
    settings: MonitorSettings.parse({}),
    learned: { intervalSeconds: null, runDurationP95Ms: null },
    effective: { silenceAfterSeconds: null, maxRuntimeSeconds: null },
    lastEventAt: now.toISOString(),
    nextExpectedAt: null,
    runningSince: null,
    openIncidents: [],
  };
}
