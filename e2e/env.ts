// Settings shared by the Playwright config and the journeys that start servers of their own.

/** Environment of every server the journeys start. Quick batches and flushes keep tests short. */
export const serverEnv: Record<string, string> = {
  HOST: "127.0.0.1",
  BATCH_INTERVAL_MS: "200",
  FLUSH_INTERVAL_MS: "200",
  DEMO: "0",
  LOG_LEVEL: "warn",
  SHUTDOWN_TIMEOUT_MS: "5000",
};

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
