// Silences and delivery: notifications of matching incidents are recorded as suppressed; an
// incident still open when its silence ends is notified then, once, even with two instances.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deliveriesOf,
  incident,
  monitor,
  type NotificationHarness,
  notificationHarness,
  notifyOpened,
  uniqueName,
} from "../../test/notification-fixtures.ts";
import { HttpReceiver } from "../../test/receivers.ts";
import { eventually } from "../../test/test-server.ts";

const HOUR = 3_600_000;

describe("silences", () => {
  let harness: NotificationHarness;
  let hook: HttpReceiver;

  beforeEach(async () => {
    harness = await notificationHarness();
    hook = await HttpReceiver.start();
    await harness.notifications.channels.create({ name: uniqueName(), type: "webhook", url: hook.url });
  });
  afterEach(async () => {
    await harness.close();
    await hook.close();
  });

  const statuses = async (incidentId: string) =>
    (await deliveriesOf(harness.notifications, incidentId)).map((n) => `${n.type}:${n.status}`);

  async function silence(
    fields: { sources?: string[] | null; kinds?: ("silence" | "anomaly")[] | null } = {},
  ) {
    return harness.notifications.silences.create({
      sources: fields.sources ?? null,
      kinds: fields.kinds ?? null,
      endsAt: new Date(Date.now() + HOUR).toISOString(),
      reason: "maintenance",
    });
  }

  it("says which (source, kind) a silence covers", async () => {
    const source = uniqueName("src");
    await silence({ sources: [source], kinds: ["silence"] });
    const { notifier } = harness.notifications;
    expect(await notifier.isSilenced(source, "silence")).toBe(true);
    expect(await notifier.isSilenced(source, "anomaly")).toBe(false);
    expect(await notifier.isSilenced(uniqueName("src"), "silence")).toBe(false);
  });

  it("records a silenced incident's notifications as suppressed, and notifies it when the silence ends", async () => {
    const opened = incident({ silenced: true });
    const created = await silence({ sources: [opened.source] });
    const { silences } = harness.notifications;
    await notifyOpened(harness.notifications, opened);
    expect(await statuses(opened.id)).toEqual(["incident.opened:suppressed"]);
    // An unrelated source is not held back (and shows the receiver works).
    const other = await notifyOpened(harness.notifications);
    const [first] = await hook.received(1);
    expect(JSON.parse(first?.body ?? "{}").incident.id).toBe(other.id);

    await silences.end(created.id);
    const [, late] = await hook.received(2);
    const body = JSON.parse(late?.body ?? "{}");
    expect(body).toMatchObject({ type: "incident.opened", incident: { id: opened.id } });
    await eventually(
      () => statuses(opened.id),
      (list) => list.includes("incident.opened:sent"),
    );
    expect(await statuses(opened.id)).toEqual(["incident.opened:suppressed", "incident.opened:sent"]);
    // Later sweeps do not send it again.
    await harness.notifications.release.sweep();
    expect(hook.requests).toHaveLength(2);
  });

  it("sends nothing late for an incident that resolved under the silence", async () => {
    const opened = incident();
    const created = await silence({ kinds: ["silence"], sources: [opened.source] });
    const { notifier, silences, release } = harness.notifications;
    await notifyOpened(harness.notifications, opened);
    const resolved = { ...opened, state: "resolved" as const, resolvedAt: new Date().toISOString() };
    await notifier.incidentChanged({
      action: "resolved",
      incident: resolved,
      monitor: monitor(opened.source),
    });
    expect(await statuses(opened.id)).toEqual(["incident.opened:suppressed", "incident.resolved:suppressed"]);
    await silences.end(created.id);
    await release.sweep();
    expect(await statuses(opened.id)).toEqual(["incident.opened:suppressed", "incident.resolved:suppressed"]);
    expect(hook.requests).toHaveLength(0);
  });

  it("releases a held-back notification once when two instances sweep", async () => {
    const other = await harness.startAnother();
    const opened = incident();
    const created = await silence({ sources: [opened.source] });
    await notifyOpened(harness.notifications, opened);
    await harness.notifications.silences.end(created.id);
    await Promise.all([harness.notifications.release.sweep(), other.notifications.release.sweep()]);
    await hook.received(1);
    await eventually(
      () => statuses(opened.id),
      (list) => list.includes("incident.opened:sent"),
    );
    expect(await statuses(opened.id)).toEqual(["incident.opened:suppressed", "incident.opened:sent"]);
    expect(hook.requests).toHaveLength(1);
  });

  it("follows notify.anomalies and notify.channels of the monitor", async () => {
    const { notifications } = harness;
    const named = uniqueName();
    await notifications.channels.create({ name: named, type: "webhook", url: hook.url });
    const anomaly = incident({ kind: "anomaly", key: "successRate" });
    await notifyOpened(notifications, anomaly, { notify: { anomalies: false } });
    expect(await statuses(anomaly.id)).toEqual([]);
    const only = await notifyOpened(notifications, incident(), { notify: { channels: [named] } });
    const list = await deliveriesOf(notifications, only.id);
    expect(list.map((n) => n.channel)).toEqual([named]);
  });
});
