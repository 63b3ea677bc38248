import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../database.ts";

describe("the SQLite database file", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is created readable by its owner only (it holds channel secrets)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrapewatch-file-"));
    dirs.push(dir);
    const file = join(dir, "nested", "scrapewatch.db");
    const database = await openDatabase(`file:${file}`);
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await database.close();
    }
  });
});
