import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EnvSchema } from "./env.ts";
import { loadEnvFile } from "./env-file.ts";

const EXAMPLE = new URL("../../../.env.example", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "scrapewatch-env-"));
const names = { fromFile: `SW_TEST_FILE_${process.pid}`, both: `SW_TEST_BOTH_${process.pid}` };

afterEach(() => {
  delete process.env[names.fromFile];
  delete process.env[names.both];
});

describe(".env", () => {
  it("is read when present, and a variable of the real environment wins over it", () => {
    const path = join(dir, ".env");
    writeFileSync(path, `# a comment\n${names.fromFile}=from-file\n${names.both}="from file"\n`);
    process.env[names.both] = "from-environment";
    expect(loadEnvFile(path)).toBe(true);
    expect(process.env[names.fromFile]).toBe("from-file");
    expect(process.env[names.both]).toBe("from-environment");
    rmSync(dir, { recursive: true, force: true });
  });

  it("is optional", () => {
    expect(loadEnvFile(join(tmpdir(), "no-such-dir", ".env"))).toBe(false);
  });

  it(".env.example names every variable the server reads", () => {
    const text = readFileSync(EXAMPLE, "utf8");
    const listed = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const missing = Object.keys(EnvSchema.shape).filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });
});
