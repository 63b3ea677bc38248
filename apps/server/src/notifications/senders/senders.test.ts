// The chat and email shapes, as real receivers get them from the delivery worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  incident,
  monitor,
  type NotificationHarness,
  notificationHarness,
  uniqueName,
} from "../../../test/notification-fixtures.ts";
import { HttpReceiver, SmtpReceiver } from "../../../test/receivers.ts";
import { eventually } from "../../../test/test-server.ts";

describe("Slack, Discord and email messages", () => {
  let harness: NotificationHarness;
  let smtp: SmtpReceiver;
  let rejecting: SmtpReceiver;
  let hook: HttpReceiver;

  beforeAll(async () => {
    smtp = await SmtpReceiver.start();
    rejecting = await SmtpReceiver.start({ rejectWith: 550 });
    hook = await HttpReceiver.start();
    harness = await notificationHarness({
      env: { SMTP_URL: `smtp://scrapewatch:pw@127.0.0.1:${smtp.port}` },
    });
  });
  afterAll(async () => {
    await harness.close();
    await smtp.close();
    await rejecting.close();
    await hook.close();
  });

  async function deliver(type: "slack" | "discord" | "email", source: string) {
    const name = uniqueName();
    await harness.notifications.channels.create(
      type === "email"
        ? { name, type, to: ["oncall@example.test"], sources: [source] }
        : { name, type, url: hook.url, sources: [source] },
    );
    const opened = incident({
      source,
      kind: "failures",
      summary: `${source} failed 12 of its last 20 navigations`,
    });
    await harness.notifications.notifier.incidentChanged({
      action: "opened",
      incident: opened,
      monitor: monitor(source),
    });
    return opened;
  }

  it("posts Slack text and blocks naming the source, kind and summary", async () => {
    const source = uniqueName("cnbc");
    const before = hook.requests.length;
    await deliver("slack", source);
    const requests = await hook.received(before + 1);
    const body = JSON.parse(requests[before]?.body ?? "{}");
    expect(body.text).toContain(source);
    expect(body.text).toContain("failures incident opened");
    expect(body.text).toContain("failed 12 of its last 20 navigations");
    expect(body.blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(JSON.stringify(body.blocks)).toContain(source);
  });

  it("posts Discord content and an embed, with mentions turned off", async () => {
    const source = uniqueName("webull");
    const before = hook.requests.length;
    await deliver("discord", source);
    const requests = await hook.received(before + 1);
    const body = JSON.parse(requests[before]?.body ?? "{}");
    expect(body.content).toContain(source);
    expect(body.content).toContain("failures");
    expect(body.embeds[0]).toMatchObject({ description: `${source} failed 12 of its last 20 navigations` });
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("mails `[Scrapewatch] <source>: <summary>` from ALERT_EMAIL_FROM with the delivery id", async () => {
    const source = uniqueName("marketbeat");
    const opened = await deliver("email", source);
    const [mail] = await smtp.received(1);
    expect(mail?.to).toEqual(["oncall@example.test"]);
    expect(mail?.from).toBe("alerts@scrapewatch.test");
    // Long headers are folded on the wire: unfold before reading the subject.
    expect(mail?.raw.replace(/\r?\n(?=[ \t])/g, "")).toContain(
      `Subject: [Scrapewatch] ${source}: ${source} failed 12 of its last 20 navigations`,
    );
    const [sent] = await eventually(
      async () => (await harness.notifications.notifier.notificationsFor([opened.id])).get(opened.id) ?? [],
      (list) => list[0]?.status === "sent",
    );
    expect(mail?.raw).toContain(`X-Scrapewatch-Delivery: ${sent?.id}`);
  });

  it("fails an email at once when the SMTP server refuses it for good (5xx)", async () => {
    const other = await harness.startAnother({ SMTP_URL: `smtp://127.0.0.1:${rejecting.port}` });
    const name = uniqueName();
    await other.notifications.channels.create({ name, type: "email", to: ["nobody@example.test"] });
    const result = await other.notifications.channels.test(name);
    expect(result).toMatchObject({ delivered: false, status: 550 });
    await harness.notifications.channels.delete(name);
    await other.close();
  });
});
