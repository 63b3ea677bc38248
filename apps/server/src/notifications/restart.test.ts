// The outbox across restarts and instances: a pending delivery is sent by the next start, and
// with several instances on one MariaDB database each delivery is sent exactly once.
import { afterEach, describe, expect, it } from "vitest";
import {
  deliveriesOf,
  incident,
  type NotificationHarness,
  notificationHarness,
  notifyOpened,
  uniqueName,
} from "../../test/notification-fixtures.ts";
import { HttpReceiver } from "../../test/receivers.ts";
import { eventually } from "../../test/test-server.ts";

describe("outbox across restarts and instances", () => {
  let harness: NotificationHarness | null = null;
  let hook: HttpReceiver | null = null;
  afterEach(async () => {
    await harness?.close();
    await hook?.close();
  });

  it("sends a delivery left pending by a stopped instance after the restart, with the same id", async () => {
    hook = await HttpReceiver.start((_, index) => (index === 0 ? { status: 503 } : { status: 200 }));
    harness = await notificationHarness();
    await harness.notifications.channels.create({ name: uniqueName(), type: "webhook", url: hook.url });
    const opened = await notifyOpened(harness.notifications);
    await hook.received(1);
    const notificationsOf = (notifications = harness?.notifications) =>
      notifications ? deliveriesOf(notifications, opened.id) : Promise.resolve([]);
    await eventually(
      () => notificationsOf(),
      (list) => list[0]?.attempts === 1,
    );
    await harness.stopNotifications();

    const restarted = await harness.startAnother();
    const [first, second] = await hook.received(2);
    expect(second?.headers["x-scrapewatch-delivery"]).toBe(first?.headers["x-scrapewatch-delivery"]);
    const [sent] = await eventually(
      () => notificationsOf(restarted.notifications),
      (list) => list[0]?.status === "sent",
    );
    expect(sent?.attempts).toBe(2);
    expect(hook.requests).toHaveLength(2);
  });

  it("sends each of 200 deliveries exactly once with two instances on MariaDB", async () => {
    hook = await HttpReceiver.start();
    harness = await notificationHarness({ dialect: "mysql" });
    const other = await harness.startAnother();
    const channels = [uniqueName(), uniqueName()];
    for (const name of channels)
      await harness.notifications.channels.create({ name, type: "webhook", url: hook.url });
    // Both instances write transitions (each kicks its own worker); both poll every 50 ms.
    const incidents = Array.from({ length: 100 }, () => incident());
    const first = harness.notifications;
    await Promise.all(
      incidents.map((opened, i) => notifyOpened(i % 2 === 0 ? first : other.notifications, opened)),
    );
    const requests = await hook.received(200);
    const ids = requests.map((request) => String(request.headers["x-scrapewatch-delivery"]));
    expect(new Set(ids).size).toBe(200);
    const all = await eventually(
      async () =>
        [
          ...(
            (await harness?.notifications.notifier.notificationsFor(incidents.map((i) => i.id))) ?? new Map()
          ).values(),
        ].flat(),
      (list) => list.length === 200 && list.every((n) => n.status === "sent"),
      20_000,
    );
    expect(all.every((n) => n.attempts === 1)).toBe(true);
    expect(hook.requests).toHaveLength(200);
  });
});
