// Webhook delivery against a real HTTP receiver on this machine: body and headers, signatures,
// retries with one id, Retry-After, failures, timeouts and redirects, and channels not blocking
// one another.
import type { Notification } from "@scrapewatch/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deliveriesOf,
  incident,
  type NotificationHarness,
  notificationHarness,
  notifyOpened,
  uniqueName,
} from "../../test/notification-fixtures.ts";
import { type Answer, type CapturedRequest, HttpReceiver } from "../../test/receivers.ts";
import { eventually } from "../../test/test-server.ts";
import { verifySignature } from "./signature.ts";

describe("webhook delivery", () => {
  let harness: NotificationHarness;
  const receivers: HttpReceiver[] = [];

  beforeEach(async () => {
    harness = await notificationHarness();
  });
  afterEach(async () => {
    await harness.close();
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function receiver(answer?: (request: CapturedRequest, index: number) => Answer) {
    const started = await HttpReceiver.start(answer);
    receivers.push(started);
    return started;
  }

  async function webhook(url: string, extra: { secret?: string; sources?: string[] } = {}) {
    const name = uniqueName();
    await harness.notifications.channels.create({ name, type: "webhook", url, ...extra });
    return name;
  }

  const open = (overrides: Parameters<typeof incident>[0] = {}) =>
    notifyOpened(harness.notifications, incident(overrides));

  function notificationsOf(incidentId: string, accept: (list: Notification[]) => boolean) {
    return eventually(() => deliveriesOf(harness.notifications, incidentId), accept);
  }

  it("posts the incident as JSON with its delivery id and a signature the secret verifies", async () => {
    const hook = await receiver();
    const secret = "a-long-shared-secret";
    const channel = await webhook(hook.url, { secret });
    const opened = await open();
    const [request] = await hook.received(1);
    if (!request) throw new Error("no request");
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "incident.opened",
      incident: { id: opened.id, source: opened.source },
      monitor: { source: opened.source },
    });
    expect(request.headers["x-scrapewatch-delivery"]).toBe(body.id);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(Date.parse(String(body.sentAt))).not.toBeNaN();
    const signature = String(request.headers["x-scrapewatch-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, request.body, signature)).toBe(true);
    expect(verifySignature("another-secret", request.body, signature)).toBe(false);
    expect(verifySignature(secret, `${request.body} `, signature)).toBe(false);
    expect(request.body).not.toContain(secret);

    const [notification] = await notificationsOf(opened.id, (list) => list[0]?.status === "sent");
    expect(notification).toMatchObject({
      id: body.id,
      channel,
      type: "incident.opened",
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(notification?.sentAt).not.toBeNull();
  });

  it("sends no signature header to a channel without a secret", async () => {
    const hook = await receiver();
    await webhook(hook.url);
    await open();
    const [request] = await hook.received(1);
    expect(request?.headers["x-scrapewatch-signature"]).toBeUndefined();
  });

  it("retries a 500 with the same delivery id, then records it sent after two attempts", async () => {
    const hook = await receiver((_, index) =>
      index === 0 ? { status: 500, body: "upstream exploded" } : { status: 200 },
    );
    await webhook(hook.url);
    const opened = await open();
    const [first] = await hook.received(1);
    const [pending] = await notificationsOf(opened.id, (list) => list[0]?.attempts === 1);
    expect(pending).toMatchObject({ status: "pending", lastError: "HTTP 500: upstream exploded" });
    expect(pending?.nextAttemptAt).not.toBeNull();
    const [, second] = await hook.received(2);
    expect(second?.headers["x-scrapewatch-delivery"]).toBe(first?.headers["x-scrapewatch-delivery"]);
    // Backoff starts at one second.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    const [sent] = await notificationsOf(opened.id, (list) => list[0]?.status === "sent");
    expect(sent).toMatchObject({ attempts: 2, lastError: null });
  });

  it("waits as long as Retry-After asks", async () => {
    const hook = await receiver((_, index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "2" } } : { status: 204 },
    );
    await webhook(hook.url);
    const opened = await open();
    const [first, second] = await hook.received(2);
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1950);
    await notificationsOf(opened.id, (list) => list[0]?.status === "sent");
  });

  it("fails a 404 at once, without retrying", async () => {
    const hook = await receiver(() => ({ status: 404, body: "no such hook" }));
    await webhook(hook.url);
    const opened = await open();
    const [failed] = await notificationsOf(opened.id, (list) => list[0]?.status === "failed");
    expect(failed).toMatchObject({
      attempts: 1,
      lastError: "HTTP 404: no such hook",
      nextAttemptAt: null,
      sentAt: null,
    });
    expect(hook.requests).toHaveLength(1);
  });

  it("times out a hanging receiver without holding up another channel", async () => {
    const stalled = await receiver(() => "hang");
    const healthy = await receiver();
    await webhook(stalled.url);
    await webhook(healthy.url);
    const started = Date.now();
    const opened = await open();
    await stalled.received(1);
    await healthy.received(1);
    // The healthy channel is served long before the stalled one's 2 s timeout.
    expect(Date.now() - started).toBeLessThan(1_000);
    const list = await notificationsOf(opened.id, (all) =>
      all.some((n) => n.lastError?.includes("timed out")),
    );
    const timedOut = list.find((n) => n.lastError?.includes("timed out"));
    expect(timedOut).toMatchObject({ status: "pending", attempts: 1, lastError: "timed out after 2 s" });
    expect(list.find((n) => n.status === "sent")).toBeDefined();
  });

  it("treats a redirect (a loop) as a failed attempt and does not follow it", async () => {
    const hook = await receiver(() => ({ status: 302, headers: { location: "/hook" } }));
    await webhook(hook.url);
    const opened = await open();
    const [pending] = await notificationsOf(opened.id, (list) => list[0]?.attempts === 1);
    expect(pending).toMatchObject({
      status: "pending",
      lastError: "HTTP 302 redirect (redirects are not followed)",
    });
    expect(hook.requests).toHaveLength(1);
  });

  it("retries a receiver that is down (connection refused)", async () => {
    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    receivers.splice(receivers.indexOf(gone), 1);
    await webhook(url);
    const opened = await open();
    const [pending] = await notificationsOf(opened.id, (list) => list[0]?.attempts === 1);
    expect(pending?.status).toBe("pending");
    expect(pending?.lastError).toMatch(/ECONNREFUSED/);
  });

  it("sends to matching channels only", async () => {
    const hook = await receiver();
    const source = uniqueName("src");
    const matching = await webhook(hook.url, { sources: [source] });
    await webhook(hook.url, { sources: [uniqueName("other")] });
    const opened = await open({ source });
    const list = await notificationsOf(
      opened.id,
      (all) => all.length > 0 && all.every((n) => n.status === "sent"),
    );
    expect(list.map((n) => n.channel)).toEqual([matching]);
  });
});
