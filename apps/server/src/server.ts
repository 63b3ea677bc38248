// Starts a server: builds the services (build-services.ts), listens on HTTP and WebSocket, and
// registers the ordered shutdown. main.ts and tests both start servers here.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { type BuildOptions, type BuiltServices, buildServices } from "./build-services.ts";
import { startDemo } from "./demo/demo.ts";
import { DEMO_JOB } from "./demo/demo-job.ts";
import type { Env } from "./env.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import type { Services } from "./services.ts";
import { startSseHeartbeat } from "./stream/sse.ts";
import { createWebSocketServer, startWsHeartbeat } from "./stream/ws.ts";

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  lifecycle: Lifecycle;
  /** Stops accepting, sends what is batched, writes what is queued, closes everything. */
  shutdown(): Promise<void>;
}

const WS_CLOSE_GRACE_MS = 1_000;

export async function startServer(
  env: Env,
  logger: Logger,
  options: BuildOptions = {},
): Promise<RunningServer> {
  const built = await buildServices(env, logger, options);
  // The demo scrapers run when asked to, or ("auto", as `npm start` sets it) on an empty database.
  const runDemo = env.DEMO === true || (env.DEMO === "auto" && (await built.services.store.isEmpty()));
  const listening = await listen(built.services);
  // The demo job's monitor gets a schedule and a max runtime, so its incidents show within minutes.
  const { monitors } = built.services;
  if (runDemo && !monitors.configs.has(DEMO_JOB.source)) {
    await monitors.directory.update(DEMO_JOB.source, DEMO_JOB.monitor);
  }
  const demo = runDemo ? startDemo({ baseUrl: listening.url, token: env.INGEST_TOKENS[0], logger }) : null;
  registerShutdown(built, listening, () => demo?.stop());
  const { lifecycle, services } = built;
  return {
    url: listening.url,
    port: listening.port,
    services,
    lifecycle,
    shutdown: () =>
      lifecycle.stop((phase, error) => logger.error("shutdown step failed", { phase, err: error })),
  };
}

type Listening = Awaited<ReturnType<typeof listen>>;

/** Serves the app (HTTP, SSE and WebSocket upgrades on one port) and starts the heartbeats. */
async function listen(services: Services) {
  const { env, streams } = services;
  const app = createApp(services);
  const wss = createWebSocketServer();
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST, websocket: { server: wss } });
  const stopHeartbeats = [
    startSseHeartbeat(streams, env.SSE_HEARTBEAT_MS),
    startWsHeartbeat(streams, env.HEARTBEAT_INTERVAL_MS),
  ];
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;
  return { server, wss, stopHeartbeats, port, url: `http://${host}:${port}` };
}

/**
 * The shutdown order: stop taking events and hand over what is batched, then send what is due
 * to stream clients and close them, then write what is queued (spilling what cannot be), then
 * release connections. Jobs register their own steps (history-jobs.ts).
 */
function registerShutdown(
  built: BuiltServices,
  listening: Listening,
  stopDemo: () => Promise<void> | undefined,
) {
  const { lifecycle, services, spill } = built;
  const { env, logger, pipeline, streams, writer, bus, database } = services;
  const { server, wss, stopHeartbeats } = listening;
  lifecycle.onStop("ingest", async () => {
    await stopDemo();
  });
  lifecycle.onStop("ingest", () => {
    server.close();
  });
  lifecycle.onStop("ingest", () => pipeline.close());
  lifecycle.onStop("streams", async () => {
    for (const stop of stopHeartbeats) stop();
    await streams.close();
    await closeWebSockets(wss);
  });
  lifecycle.onStop("storage", async () => {
    const left = await writer.drain(Date.now() + env.SHUTDOWN_TIMEOUT_MS);
    if (left.length > 0) {
      await spill.save(left);
      logger.warn("database unavailable at shutdown; unwritten events kept for the next start", {
        count: left.length,
        path: env.SPILL_PATH,
      });
    }
  });
  lifecycle.onStop("final", async () => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    await bus.close();
    await database.close();
  });
}

/** Waits briefly for WebSocket close handshakes, then cuts whoever has not answered. */
async function closeWebSockets(wss: ReturnType<typeof createWebSocketServer>): Promise<void> {
  const deadline = Date.now() + WS_CLOSE_GRACE_MS;
  while (wss.clients.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const socket of wss.clients) socket.terminate();
  wss.close();
}
