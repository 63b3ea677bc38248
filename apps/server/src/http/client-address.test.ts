import { describe, expect, it } from "vitest";
import { ClientAddresses } from "./client-address.ts";

describe("ClientAddresses", () => {
  it("uses the socket's address and ignores X-Forwarded-For without TRUST_PROXY", () => {
    const addresses = new ClientAddresses([]);
    expect(addresses.resolve("203.0.113.9", "198.51.100.1")).toBe("203.0.113.9");
    expect(addresses.resolve("::ffff:203.0.113.9", undefined)).toBe("203.0.113.9");
  });

  it("reads X-Forwarded-For from the right, skipping named proxies (IPs and CIDRs)", () => {
    const addresses = new ClientAddresses(["10.0.0.0/8", "192.0.2.7", "fd00::/8"]);
    expect(addresses.resolve("10.1.2.3", "198.51.100.1")).toBe("198.51.100.1");
    // A client's own spoofed entry sits left of the real one and is never reached.
    expect(addresses.resolve("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.0.2.7")).toBe("198.51.100.1");
    expect(addresses.resolve("fd00::1", "2001:db8::5")).toBe("2001:db8::5");
    // Not from a trusted proxy: the header is whatever the client wrote.
    expect(addresses.resolve("203.0.113.9", "198.51.100.1")).toBe("203.0.113.9");
    expect(addresses.resolve("10.1.2.3", "not-an-ip")).toBe("10.1.2.3");
  });

  it("refuses a malformed TRUST_PROXY entry", () => {
    expect(() => new ClientAddresses(["proxy.example"])).toThrow(/TRUST_PROXY/);
  });
});
