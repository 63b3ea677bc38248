// The Hono app type shared by route modules: each request carries the services and its id.
import type { Hono } from "hono";
import type { Services } from "./services.ts";

export interface AppEnv {
  Variables: { services: Services; requestId: string };
}

export type App = Hono<AppEnv>;
