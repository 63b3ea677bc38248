import { describe, expect, it } from "vitest";
import { createLogger, createProcessLogger } from "./logger.ts";

describe("logger", () => {
  it("writes JSON lines with the level by name, an ISO time and the error's type, stack and cause", () => {
    const lines: string[] = [];
    const logger = createLogger("info", { service: "test" }, (line) => lines.push(line));
    logger.debug("hidden");
    logger.child({ job: "nightly" }).error("failed", {
      err: new TypeError("outer", { cause: new Error("the database went away") }),
    });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? "");
    expect(record).toMatchObject({ level: "error", msg: "failed", service: "test", job: "nightly" });
    expect(new Date(record.time).toISOString()).toBe(record.time);
    expect(record.err.type).toBe("TypeError");
    expect(record.err.message).toBe("outer");
    expect(record.err.stack).toContain("logger.test.ts");
    expect(record.err.cause.message).toBe("the database went away");
  });

  it("is JSON when the output is not a terminal, human-readable on one or with LOG_FORMAT=pretty", () => {
    const written: string[] = [];
    const pipe = { write: (text: string) => written.push(text), isTTY: false };
    createProcessLogger("info", "auto", {}, pipe).info("listening", { url: "http://127.0.0.1:3000" });
    expect(JSON.parse(written[0] ?? "")).toMatchObject({ msg: "listening", url: "http://127.0.0.1:3000" });

    const terminal = { write: (text: string) => written.push(text), isTTY: true };
    createProcessLogger("info", "auto", {}, terminal).info("listening", { url: "http://127.0.0.1:3000" });
    createProcessLogger("info", "pretty", {}, pipe).warn("slow", { ms: 5 });
    for (const text of written.slice(1)) expect(() => JSON.parse(text)).toThrow();
    expect(written[1]).toContain("listening");
    expect(written[1]).toContain("http://127.0.0.1:3000");
    expect(written[2]).toMatch(/WARN.*slow/);
  });
});
