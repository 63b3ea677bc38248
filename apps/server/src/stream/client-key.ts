// Whose streams count together for MAX_STREAMS_PER_CLIENT: the read token when reads need one
// (a valid token, checked before this), else the client's address. An unchecked ?token= is
// never a key: a client could invent a new one per stream.
import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { presentedToken } from "../http/auth.ts";

export function streamClientKey(c: Context<AppEnv>): string {
  const { tokens, addresses } = c.get("services");
  const token = presentedToken(c.req.header("authorization"), c.req.query("token"));
  if (!tokens.read.open && token) return `token:${createHash("sha256").update(token).digest("hex")}`;
  return `address:${addresses.of(c)}`;
}
