// A delivery that keeps failing is retried only within its window, then marked failed; a channel
// deleted or disabled fails what it still had pending.
import { ChannelStore, DeliveryOutbox } from "@scrapewatch/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
import { createLogger } from "../logger.ts";
import { ChannelDirectory } from "./channel-directory.ts";
import { DeliveryWorker } from "./delivery-worker.ts";
import { ChannelSenders } from "./senders/channel-senders.ts";
import { EmailSender } from "./senders/email.ts";

describe("giving up", () => {
  let harness: NotificationHarness;
  let hook: HttpReceiver;
  beforeEach(async () => {
    harness = await notificationHarness();
  });
  afterEach(async () => {
    await harness.close();
    await hook.close();
  });

  const statusOf = async (incidentId: string) => (await deliveriesOf(harness.notifications, incidentId))[0];

  it("marks a delivery failed once its next attempt would fall outside the retry window", async () => {
    hook = await HttpReceiver.start(() => ({ status: 503 }));
    await harness.stopNotifications();
    const other = await harness.startAnother();
    await other.notifications.worker.stop(0);
    // A worker of its own with a 1.5 s window: attempts at 0 s and 1 s, then 2 s more is too late.
    const senders = new ChannelSenders(new EmailSender({ smtpUrl: undefined, from: "x@y.test" }), 2_000);
    const directory = new ChannelDirectory(new ChannelStore(harness.database), 50);
    const worker = new DeliveryWorker({
      outbox: new DeliveryOutbox(harness.database),
      channels: directory,
      send: (channel, notification, signal) => senders.send(channel, notification, signal),
      logger: createLogger("silent"),
      perChannel: 4,
      maxInFlight: 16,
      pollMs: 50,
      leaseMs: 60_000,
      backoff: { baseMs: 1_000, maxMs: 600_000, windowMs: 1_500 },
    });
    await other.notifications.channels.create({ name: uniqueName(), type: "webhook", url: hook.url });
    const opened = await notifyOpened(other.notifications);
    worker.start();
    try {
      const failed = await eventually(
        () => statusOf(opened.id),
        (n) => n?.status === "failed",
      );
      expect(failed).toMatchObject({ attempts: 2, nextAttemptAt: null });
      expect(failed?.lastError).toBe("HTTP 503 (gave up after retrying for 2 s)");
      expect(hook.requests).toHaveLength(2);
    } finally {
      await worker.stop(0);
    }
  });

  it("fails pending deliveries of a channel that is deleted or disabled", async () => {
    hook = await HttpReceiver.start(() => ({ status: 500 }));
    const { channels } = harness.notifications;
    const [deleted, disabled] = [uniqueName(), uniqueName()];
    const source = uniqueName("src");
    for (const name of [deleted, disabled])
      await channels.create({ name, type: "webhook", url: hook.url, sources: [source] });
    const opened = await notifyOpened(harness.notifications, incident({ source }));
    await hook.received(2);
    await channels.delete(deleted);
    await channels.update(disabled, { enabled: false });
    const list = await eventually(
      () => deliveriesOf(harness.notifications, opened.id),
      (all) => all.length === 2 && all.every((n) => n.status === "failed"),
    );
    expect(Object.fromEntries(list.map((n) => [n.channel, n.lastError]))).toEqual({
      [deleted]: "channel deleted",
      [disabled]: "channel disabled",
    });
  });
});
