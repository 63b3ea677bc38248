// The Alerts page: a channel is added, tested and deleted; a silence is created for 4 h and ended.
// These journeys run without ADMIN_TOKENS, which the page must say plainly.
import { expect, test } from "@playwright/test";

test("creates, tests and deletes a channel, and says the server has no admin token", async ({ page }) => {
  const name = `hook-${Date.now().toString(36)}`;
  await page.goto("/alerts");
  const channels = page.getByTestId("channels");
  await channels.getByLabel("Name").fill(name);
  // Nothing listens on the discard port: the test notification must fail, and say so.
  await channels.getByLabel("URL").fill("http://127.0.0.1:9/hook");
  await channels.getByRole("button", { name: "Add channel" }).click();
  const channel = page.getByTestId(`channel-${name}`);
  await expect(channel).toBeVisible();
  await expect(page.getByTestId("admin-open")).toContainText("no admin token configured");

  await channel.getByRole("button", { name: "Test" }).click();
  await expect(channels.getByRole("status")).toContainText(`Test to ${name} failed`);
  await page.screenshot({ path: test.info().outputPath("channels.png"), fullPage: true });

  await channel.getByRole("button", { name: "Delete" }).click();
  await expect(channel).toHaveCount(0);
});

test("creates a 4 h silence and ends it", async ({ page }) => {
  const reason = `deploy ${Date.now().toString(36)}`;
  await page.goto("/alerts");
  const silences = page.getByTestId("silences");
  await silences.getByLabel("Reason").fill(reason);
  await silences.getByRole("button", { name: "Silence 4 h" }).click();
  const silence = silences.getByTestId("silence").filter({ hasText: reason });
  await expect(silence).toBeVisible();
  await expect(silence).toContainText("every source");
  await page.screenshot({ path: test.info().outputPath("silence.png"), fullPage: true });

  await silence.getByRole("button", { name: "End now" }).click();
  await expect(silence).toHaveCount(0);
});
