// /api/v1/channels on a real server: CRUD, bad input naming the field, secrets never shown or
// logged, the test notification against real receivers, and ALERT_WEBHOOK_URL's default channel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../../../test/notification-fixtures.ts";
import { HttpReceiver, SmtpReceiver } from "../../../test/receivers.ts";
import { startTestServer, type TestServer } from "../../../test/test-server.ts";
import { createLogger } from "../../logger.ts";
import { verifySignature } from "../../notifications/signature.ts";

const ADMIN = "admin-token-for-channels";
const SECRET = "never-show-this-secret";

describe("/api/v1/channels", () => {
  let server: TestServer;
  let smtp: SmtpReceiver;
  const logLines: string[] = [];
  const receivers: HttpReceiver[] = [];

  beforeAll(async () => {
    smtp = await SmtpReceiver.start();
    server = await startTestServer({
      env: {
        ADMIN_TOKENS: ADMIN,
        SMTP_URL: `smtp://alerts:smtp-password@127.0.0.1:${smtp.port}`,
        ALERT_EMAIL_FROM: "Scrapewatch <alerts@scrapewatch.test>",
      },
      logger: createLogger("debug", {}, (line) => logLines.push(line)),
    });
  });
  afterAll(async () => {
    await server.stop();
    await smtp.close();
  });
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = ADMIN) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function receiver(status = 200) {
    const started = await HttpReceiver.start(() => ({ status }));
    receivers.push(started);
    return started;
  }

  it("creates a channel (201), lists it with hasSecret, and never shows or logs the secret", async () => {
    const name = uniqueName();
    const created = await call("POST", "/api/v1/channels", {
      name,
      type: "webhook",
      url: "http://127.0.0.1:9/hook",
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    const body = await created.text();
    expect(JSON.parse(body)).toMatchObject({
      name,
      type: "webhook",
      hasSecret: true,
      enabled: true,
      sources: null,
      kinds: null,
    });
    expect(body).not.toContain(SECRET);
    const list = await call("GET", "/api/v1/channels");
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(SECRET);
    expect((JSON.parse(text) as { items: { name: string }[] }).items.map((c) => c.name)).toContain(name);
    expect(logLines.join("")).not.toContain(SECRET);
  });

  it("answers 409 for a duplicate name", async () => {
    const name = uniqueName();
    const channel = { name, type: "slack", url: "https://hooks.slack.test/services/x" };
    expect((await call("POST", "/api/v1/channels", channel)).status).toBe(201);
    const duplicate = await call("POST", "/api/v1/channels", channel);
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ error: { code: "conflict" } });
  });

  it.each([
    ["an unknown channel type", { type: "pager", url: "https://x.test" }, "type"],
    ["a non-http(s) URL", { type: "webhook", url: "ftp://x.test/hook" }, "url"],
    ["a webhook without a URL", { type: "webhook" }, "url"],
    ["a bad address", { type: "email", to: ["not-an-address"] }, "to.0"],
    ["an email channel without addresses", { type: "email" }, "to"],
    ["a bad name", { type: "webhook", url: "https://x.test", name: "Has Spaces" }, "name"],
  ])("answers 400 naming the field for %s", async (_, fields, field) => {
    const response = await call("POST", "/api/v1/channels", { name: uniqueName(), ...fields });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; details: { issues: { param: string }[] } };
    };
    expect(body.error.details.issues.map((issue) => issue.param)).toContain(field);
    expect(body.error.message).toContain(field);
  });

  it("needs the admin token to change channels and a read token to list them", async () => {
    expect(
      (
        await call(
          "POST",
          "/api/v1/channels",
          { name: uniqueName(), type: "webhook", url: "https://x.test" },
          null,
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await call(
          "POST",
          "/api/v1/channels",
          { name: uniqueName(), type: "webhook", url: "https://x.test" },
          "wrong",
        )
      ).status,
    ).toBe(403);
  });

  it("updates some fields, keeps the rest, and refuses a change that leaves it without a target", async () => {
    const name = uniqueName();
    await call("POST", "/api/v1/channels", {
      name,
      type: "webhook",
      url: "https://x.test/a",
      secret: SECRET,
      sources: ["cnbc"],
    });
    const updated = await call("PUT", `/api/v1/channels/${name}`, { enabled: false, kinds: ["silence"] });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      name,
      url: "https://x.test/a",
      hasSecret: true,
      sources: ["cnbc"],
      kinds: ["silence"],
      enabled: false,
    });
    const removed = await call("PUT", `/api/v1/channels/${name}`, { secret: null });
    expect(await removed.json()).toMatchObject({ hasSecret: false });
    const invalid = await call("PUT", `/api/v1/channels/${name}`, { type: "email" });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain("to");
    expect((await call("PUT", `/api/v1/channels/${uniqueName()}`, { enabled: true })).status).toBe(404);
    expect((await call("PUT", `/api/v1/channels/${name}`, { name: "renamed" })).status).toBe(400);
  });

  it("deletes a channel (204), then answers 404", async () => {
    const name = uniqueName();
    await call("POST", "/api/v1/channels", {
      name,
      type: "discord",
      url: "https://discord.test/api/webhooks/1/x",
    });
    expect((await call("DELETE", `/api/v1/channels/${name}`)).status).toBe(204);
    expect((await call("DELETE", `/api/v1/channels/${name}`)).status).toBe(404);
  });

  it("sends a signed test notification to a webhook and says it was delivered", async () => {
    const hook = await receiver();
    const name = uniqueName();
    await call("POST", "/api/v1/channels", { name, type: "webhook", url: hook.url, secret: SECRET });
    const response = await call("POST", `/api/v1/channels/${name}/test`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ delivered: true, status: 200, error: null });
    const [request] = await hook.received(1);
    if (!request) throw new Error("no request");
    expect(JSON.parse(request.body)).toMatchObject({
      type: "test",
      incident: { source: "scrapewatch-test" },
      monitor: {},
    });
    expect(verifySignature(SECRET, request.body, String(request.headers["x-scrapewatch-signature"]))).toBe(
      true,
    );
  });

  it("says how a test failed", async () => {
    const hook = await receiver(404);
    const name = uniqueName();
    await call("POST", "/api/v1/channels", { name, type: "slack", url: hook.url });
    expect(await (await call("POST", `/api/v1/channels/${name}/test`)).json()).toEqual({
      delivered: false,
      status: 404,
      error: "HTTP 404",
    });
    expect((await call("POST", `/api/v1/channels/${uniqueName()}/test`)).status).toBe(404);
  });

  it("sends a test email through SMTP_URL", async () => {
    const name = uniqueName();
    await call("POST", "/api/v1/channels", { name, type: "email", to: ["oncall@example.test"] });
    const response = await call("POST", `/api/v1/channels/${name}/test`);
    expect(await response.json()).toEqual({ delivered: true, status: 250, error: null });
    const [mail] = await smtp.received(1);
    expect(mail).toMatchObject({
      from: "alerts@scrapewatch.test",
      to: ["oncall@example.test"],
      user: "alerts",
    });
    expect(mail?.raw).toMatch(/^Subject: \[Scrapewatch\] scrapewatch-test: This is a test notification/m);
    expect(logLines.join("")).not.toContain("smtp-password");
  });
});

describe("ALERT_WEBHOOK_URL", () => {
  it("creates the `default` webhook channel at start, signed with ALERT_WEBHOOK_SECRET", async () => {
    const hook = await HttpReceiver.start();
    const server = await startTestServer({
      env: { ALERT_WEBHOOK_URL: hook.url, ALERT_WEBHOOK_SECRET: SECRET },
    });
    try {
      const list = (await (await fetch(`${server.url}/api/v1/channels`)).json()) as { items: unknown[] };
      expect(list.items).toEqual([
        expect.objectContaining({ name: "default", type: "webhook", url: hook.url, hasSecret: true }),
      ]);
      await fetch(`${server.url}/api/v1/channels/default/test`, { method: "POST" });
      const [request] = await hook.received(1);
      expect(
        verifySignature(SECRET, request?.body ?? "", String(request?.headers["x-scrapewatch-signature"])),
      ).toBe(true);
    } finally {
      await server.stop();
      await hook.close();
    }
  });
});
