import { describe, expect, it } from "vitest";
import { MetricInput } from "./events.ts";
import { proxyLabel } from "./health.ts";

const navigation = {
  type: "navigation",
  source: "shop",
  url: "https://x.test",
  durationMs: 5,
  success: true,
};

function issuePaths(event: unknown): string[] {
  const result = MetricInput.safeParse(event);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
}

describe("scraper health fields", () => {
  it("default to not blocked and null, and keep what is given", () => {
    expect(MetricInput.parse(navigation)).toMatchObject({
      statusCode: null,
      blocked: false,
      blockReason: null,
      proxy: null,
      bytes: null,
    });
    const full = MetricInput.parse({
      ...navigation,
      success: false,
      statusCode: 403,
      blocked: true,
      blockReason: "http_403",
      proxy: "dc-3",
      bytes: 512,
    });
    expect(full).toMatchObject({
      statusCode: 403,
      blocked: true,
      blockReason: "http_403",
      proxy: "dc-3",
      bytes: 512,
    });
  });

  it("reduce a proxy URL to host:port and never keep its credentials", () => {
    expect(proxyLabel("http://bob:s3cret@proxy.test:8080/path?q=1")).toBe("proxy.test:8080");
    expect(proxyLabel("socks5://user:pw@10.0.0.1:1080")).toBe("10.0.0.1:1080");
    expect(proxyLabel("user:pw@gate.test:7000")).toBe("gate.test:7000");
    expect(proxyLabel("  residential-de  ")).toBe("residential-de");
    const parsed = MetricInput.parse({ ...navigation, proxy: "http://bob:s3cret@proxy.test:8080" });
    expect(JSON.stringify(parsed)).not.toContain("s3cret");
    expect(
      MetricInput.parse({
        type: "scrape",
        source: "shop",
        url: "u",
        durationMs: 1,
        success: true,
        proxy: "https://a:b@p.test",
      }),
    ).toMatchObject({ proxy: "p.test" });
  });

  it("refuse bad values, naming the field and never echoing a password", () => {
    expect(issuePaths({ ...navigation, statusCode: 99 })).toEqual(["statusCode"]);
    expect(issuePaths({ ...navigation, statusCode: 600 })).toEqual(["statusCode"]);
    expect(issuePaths({ ...navigation, statusCode: 200.5 })).toEqual(["statusCode"]);
    expect(issuePaths({ ...navigation, blocked: "yes" })).toEqual(["blocked"]);
    expect(issuePaths({ ...navigation, blockReason: "Captcha!" })).toEqual(["blockReason"]);
    expect(issuePaths({ ...navigation, blockReason: "x".repeat(51) })).toEqual(["blockReason"]);
    expect(issuePaths({ ...navigation, bytes: -1 })).toEqual(["bytes"]);
    expect(issuePaths({ ...navigation, proxy: "p".repeat(101) })).toEqual(["proxy"]);
    expect(issuePaths({ ...navigation, proxy: "http://user:hunter2@" })).toEqual(["proxy"]);
    const result = MetricInput.safeParse({
      ...navigation,
      proxy: `http://user:hunter2@${"h".repeat(120)}:1`,
    });
    expect(JSON.stringify(result.error?.issues)).not.toContain("hunter2");
  });
});
