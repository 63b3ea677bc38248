// A server guarded by READ_TOKENS: the page asks for a token once, keeps it for the tab only, and
// then streams with it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { serverEnv } from "./env.ts";
import { badge, freePort, liveCount, ServerProcess, scrape, uniqueSource } from "./support.ts";

test("asks for a read token on 401 and streams once it is given", async ({ page, request }) => {
  const dir = mkdtempSync(join(tmpdir(), "scrapewatch-e2e-token-"));
  const server = new ServerProcess(await freePort(), {
    ...serverEnv,
    DATABASE_URL: `file:${join(dir, "token.db")}`,
    DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
    SPILL_PATH: join(dir, "unwritten.ndjson"),
    READ_TOKENS: "read-secret",
    INGEST_TOKENS: "ingest-secret",
  });
  const source = uniqueSource("token");
  try {
    await server.start();
    await page.goto(server.url);
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("token-prompt.png") });
    await dialog.getByLabel("Read token").fill("read-secret");
    await dialog.getByRole("button", { name: "Connect" }).click();
    await expect(dialog).toBeHidden();
    await expect(badge(page)).toHaveText("Live · SSE", { timeout: 30_000 });
    expect(await page.evaluate(() => sessionStorage.getItem("scrapewatch.readToken"))).toBe("read-secret");
    expect(await page.evaluate(() => localStorage.getItem("scrapewatch.readToken"))).toBeNull();

    const response = await request.post(`${server.url}/api/v1/metrics`, {
      data: { metrics: [scrape(source)] },
      headers: { authorization: "Bearer ingest-secret" },
    });
    expect(response.status()).toBe(202);
    await expect(liveCount(page, source)).toHaveText("1");
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
