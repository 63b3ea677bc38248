// The READ_TOKENS guard of the read routes, taken from the request's services.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-types.ts";
import { requireToken } from "../http/auth.ts";

export const requireRead: MiddlewareHandler<AppEnv> = async (c, next) =>
  requireToken(c.get("services").tokens.read, "read")(c, next);
