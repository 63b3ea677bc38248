// The only file that listens: read `.env`, parse the environment, start the server, stop cleanly
// on SIGTERM/SIGINT (once, however many signals arrive) and exit 0.
import { EnvError, parseEnv } from "./env.ts";
import { loadEnvFile } from "./env-file.ts";
import { logUnhandledRejections } from "./lifecycle.ts";
import { createProcessLogger } from "./logger.ts";
import { type RunningServer, startServer } from "./server.ts";

async function main(): Promise<void> {
  let env: ReturnType<typeof parseEnv>;
  let fromFile = false;
  try {
    fromFile = loadEnvFile();
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`scrapewatch: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createProcessLogger(env.LOG_LEVEL, env.LOG_FORMAT, { service: "scrapewatch" });
  logUnhandledRejections(logger);
  if (fromFile) logger.info("read settings from .env (the environment wins where both set one)");
  // Handlers first: a signal during start-up must not kill the process with the default action.
  let running: RunningServer | null = null;
  let stopping = false;
  const stop = () => {
    if (!running) return; // start-up finishes first, then stops (see below)
    setTimeout(() => process.exit(0), env.SHUTDOWN_TIMEOUT_MS + 10_000).unref();
    running.shutdown().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("shutdown failed", { err: error });
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info("already shutting down", { signal });
      return;
    }
    stopping = true;
    logger.info("shutting down", { signal });
    stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  running = await startServer(env, logger);
  logger.info("listening", { url: running.url, database: running.services.database.dialect });
  if (stopping) stop();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `scrapewatch: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
