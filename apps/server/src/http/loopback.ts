// Whether a bind address is loopback, decided by parsing it: `127.evil.example` is a host name
// (it resolves wherever DNS says), not the 127/8 network.
import { isIP } from "node:net";

export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === "localhost") return true;
  const version = isIP(bare);
  if (version === 4) return bare.split(".")[0] === "127";
  if (version !== 6) return false;
  const lower = bare.toLowerCase();
  if (lower === "::1" || lower === "0:0:0:0:0:0:0:1") return true;
  // An IPv4-mapped address (::ffff:127.0.0.1) is loopback when the IPv4 part is.
  const mapped = /^(?:::|(?:0+:){5})ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  return mapped !== undefined && mapped.split(".")[0] === "127";
}
