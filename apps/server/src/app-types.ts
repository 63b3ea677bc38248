// The Hono app type shared by route modules: each request carries the services and its id.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Services } from "./services.ts";

export interface AppEnv {
  Variables: { services: Services; requestId: string };
}

export type App = OpenAPIHono<AppEnv>;
