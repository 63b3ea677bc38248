import { describe, expect, it } from "vitest";
import { parseExposition, promtoolCheck } from "../../test/exposition.ts";
import { ServerMetrics } from "./server-metrics.ts";

describe("monitor and notification metrics", () => {
  it("reads monitor states and open incidents at scrape time and counts notification outcomes", async () => {
    const metrics = new ServerMetrics();
    let states = { up: 3, down: 1 };
    metrics.watchMonitors(() => ({ states, openIncidents: { silence: 1 } }));
    metrics.notification("webhook", "sent");
    metrics.notification("webhook", "sent");
    metrics.notification("email", "failed");
    states = { up: 2, down: 2 };
    const { body } = await metrics.render();
    expect(await promtoolCheck(body)).toBe("");
    const families = parseExposition(body);
    const monitors = Object.fromEntries(
      (families.get("scrapewatch_monitors")?.samples ?? []).map((s) => [s.labels.state, s.value]),
    );
    expect(monitors).toEqual({ new: 0, up: 2, late: 0, down: 2, failing: 0, paused: 0 });
    expect(families.get("scrapewatch_open_incidents")?.samples).toEqual([
      { name: "scrapewatch_open_incidents", labels: { kind: "silence" }, value: 1 },
    ]);
    const sent = families
      .get("scrapewatch_notifications_total")
      ?.samples.map((s) => [s.labels.channel_type, s.labels.outcome, s.value]);
    expect(sent).toEqual([
      ["webhook", "sent", 2],
      ["email", "failed", 1],
    ]);
  });
});
