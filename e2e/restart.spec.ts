// A server restart is survived: the page reconnects by itself, resumes from its cursor (the new
// process replays from the database), and shows no event twice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { serverEnv } from "./env.ts";
import { badge, freePort, ingest, liveCount, ServerProcess, scrape, uniqueSource } from "./support.ts";

test("the page survives a server restart without duplicates or gaps", async ({ page, request }) => {
  const dir = mkdtempSync(join(tmpdir(), "scrapewatch-e2e-restart-"));
  const server = new ServerProcess(await freePort(), {
    ...serverEnv,
    DATABASE_URL: `file:${join(dir, "restart.db")}`,
    DEAD_LETTER_PATH: join(dir, "dead-letter.ndjson"),
    SPILL_PATH: join(dir, "unwritten.ndjson"),
  });
  const source = uniqueSource("restart");
  try {
    await server.start();
    await page.goto(server.url);
    await expect(badge(page)).toHaveText("Live · SSE");
    await ingest(request, [scrape(source), scrape(source)], server.url);
    await expect(liveCount(page, source)).toHaveText("2");

    await server.stop();
    await expect(badge(page)).not.toHaveText(/Live/);
    await page.screenshot({ path: test.info().outputPath("server-down.png"), fullPage: true });

    await server.start();
    // Posted before the page has reconnected: it must arrive through the resume, exactly once.
    await ingest(request, [scrape(source)], server.url);
    await expect(badge(page)).toHaveText("Live · SSE", { timeout: 30_000 });
    await expect(liveCount(page, source)).toHaveText("3");
    await ingest(request, [scrape(source)], server.url);
    await expect(liveCount(page, source)).toHaveText("4");
    await page.waitForTimeout(1500);
    await expect(liveCount(page, source)).toHaveText("4");
    await page.screenshot({ path: test.info().outputPath("after-restart.png"), fullPage: true });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
