// /api/v1/silences on a real server: create, list by `active`, end now, and bad windows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/test-server.ts";

const ADMIN = "admin-token-for-silences";
const HOUR = 3_600_000;

describe("/api/v1/silences", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ADMIN_TOKENS: ADMIN } });
  });
  afterAll(async () => server.stop());

  const call = (method: string, path: string, body?: unknown, token: string | null = ADMIN) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ids = async (query: string) =>
    ((await (await call("GET", `/api/v1/silences${query}`)).json()) as { items: { id: string }[] }).items.map(
      (s) => s.id,
    );

  it("creates a silence starting now (201), lists it as active, and ends it now", async () => {
    const endsAt = new Date(Date.now() + HOUR).toISOString();
    const created = await call("POST", "/api/v1/silences", { sources: ["cnbc"], endsAt, reason: "deploy" });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; startsAt: string };
    expect(silence).toMatchObject({ sources: ["cnbc"], kinds: null, endsAt, reason: "deploy", active: true });
    expect(Date.parse(silence.startsAt)).toBeLessThanOrEqual(Date.now());
    expect(await ids("?active=true")).toContain(silence.id);
    expect(await ids("?active=false")).not.toContain(silence.id);

    const ended = await call("DELETE", `/api/v1/silences/${silence.id}`);
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ id: silence.id, active: false });
    expect(await ids("?active=true")).not.toContain(silence.id);
    expect(await ids("")).toContain(silence.id);
    expect((await call("DELETE", "/api/v1/silences/no-such-silence")).status).toBe(404);
  });

  it("lists a future silence as not active", async () => {
    const startsAt = new Date(Date.now() + HOUR).toISOString();
    const endsAt = new Date(Date.now() + 2 * HOUR).toISOString();
    const created = (await (
      await call("POST", "/api/v1/silences", { kinds: ["anomaly"], startsAt, endsAt })
    ).json()) as { id: string; active: boolean };
    expect(created.active).toBe(false);
    expect(await ids("?active=false")).toContain(created.id);
  });

  it.each([
    [
      "a silence ending before it starts",
      { startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date().toISOString() },
      "endsAt",
    ],
    ["a silence that already ended", { endsAt: new Date(Date.now() - HOUR).toISOString() }, "endsAt"],
    ["an unknown kind", { kinds: ["volcano"], endsAt: new Date(Date.now() + HOUR).toISOString() }, "kinds.0"],
    ["a time that is not a date", { endsAt: "tomorrow" }, "endsAt"],
  ])("answers 400 naming the field for %s", async (_, body, field) => {
    const response = await call("POST", "/api/v1/silences", body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { details: { issues: { param: string }[] } } }).error;
    expect(error.details.issues.map((issue) => issue.param)).toContain(field);
  });

  it("needs the admin token to create or end one", async () => {
    expect(
      (await call("POST", "/api/v1/silences", { endsAt: new Date(Date.now() + HOUR).toISOString() }, null))
        .status,
    ).toBe(401);
    expect((await call("GET", "/api/v1/silences?active=maybe")).status).toBe(400);
  });
});
