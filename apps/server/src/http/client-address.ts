// The address a request comes from: the socket's peer, unless that peer is one of the proxies
// named in TRUST_PROXY, whose X-Forwarded-For is then read from the right, skipping the trusted
// hops. A header from anyone else is ignored (a client could write any address into it).
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import { BlockList, isIP } from "node:net";

export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  /** `proxies`: IPs or CIDRs (`10.0.0.0/8`, `::1`); throws on a malformed one. */
  constructor(proxies: readonly string[]) {
    this.any = proxies.length > 0;
    for (const entry of proxies) {
      const [address = "", prefix] = entry.split("/");
      const bare = unmapped(address);
      const type = isIP(bare) === 6 ? "ipv6" : isIP(bare) === 4 ? "ipv4" : null;
      if (!type) throw new Error(`TRUST_PROXY: ${entry} is not an IP address or CIDR`);
      if (prefix === undefined) this.trusted.addAddress(bare, type);
      else this.trusted.addSubnet(bare, Number(prefix), type);
    }
  }

  isTrusted(address: string): boolean {
    if (!this.any) return false;
    const bare = unmapped(address);
    const type = isIP(bare);
    return type !== 0 && this.trusted.check(bare, type === 6 ? "ipv6" : "ipv4");
  }

  /** The client's address for a peer address and an X-Forwarded-For header. */
  resolve(peer: string | undefined, forwardedFor: string | undefined): string {
    const socket = unmapped(peer ?? "unknown");
    if (!forwardedFor || !this.isTrusted(socket)) return socket;
    const hops = forwardedFor
      .split(",")
      .map((hop) => unmapped(hop.trim()))
      .filter((hop) => hop.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? "";
      if (isIP(hop) === 0) return socket; // garbage in the chain: believe only the socket
      if (!this.isTrusted(hop)) return hop;
    }
    return hops[0] ?? socket;
  }

  /** The client address of a request served by @hono/node-server. */
  of(c: Context): string {
    const peer = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress;
    return this.resolve(peer, c.req.header("x-forwarded-for"));
  }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4 ? lower.slice(7) : address;
}
