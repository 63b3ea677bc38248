import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../../test/factories.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

describe("POST /api/v1/admin/aggregate", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ADMIN_TOKENS: "admin-secret" } });
  });
  afterAll(async () => server.stop());

  const run = (query: string, token?: string) =>
    fetch(`${server.url}/api/v1/admin/aggregate${query}`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it("needs an admin token", async () => {
    expect((await run("")).status).toBe(401);
    expect((await run("", "wrong")).status).toBe(403);
  });

  it("summarizes the day asked for, and the summary is then listed", async () => {
    const source = uniqueSource();
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const events = [100, 200, 300].map((durationMs) =>
      navigationEvent(source, { durationMs, timestamp: `${day}T12:00:00.000Z` }),
    );
    expect((await server.ingest(events)).status).toBe(202);
    await eventually(
      () => server.services.store.count([source]),
      (n) => n === 3,
    );
    const response = await run(`?date=${day}`, "admin-secret");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ran: true });
    const listed = (await (await fetch(`${server.url}/api/v1/summaries/daily?source=${source}`)).json()) as {
      items: unknown[];
    };
    expect(listed.items).toEqual([
      expect.objectContaining({
        source,
        date: day,
        totalNavigations: 3,
        avgNavigationMs: 200,
        maxNavigationMs: 300,
      }),
    ]);
  });

  it("answers 400 for a malformed date", async () => {
    expect((await run("?date=yesterday", "admin-secret")).status).toBe(400);
  });

  it("answers 400 for a date that is not in the calendar, rather than summarizing March 2nd", async () => {
    const response = await run("?date=2026-02-30", "admin-secret");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
  });
});
