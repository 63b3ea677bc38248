import { describe, expect, it } from "vitest";
import { startTestServer } from "../../../test/test-server.ts";

describe.each(["sqlite", "mysql"] as const)("GET /readyz on %s", (dialect) => {
  it("is ready while the database answers and 503 once it is gone", async () => {
    const server = await startTestServer({ dialect });
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", database: "up" });
      await server.services.database.close();
      const gone = await fetch(`${server.url}/readyz`);
      expect(gone.status).toBe(503);
      expect(await gone.json()).toEqual({ status: "unavailable", database: "down" });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
