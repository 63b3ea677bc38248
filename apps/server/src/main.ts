// The only file that listens: parse the environment, start the server, stop cleanly on
// SIGTERM/SIGINT (once, however many signals arrive) and exit 0.
import { EnvError, parseEnv } from "./env.ts";
import { createLogger } from "./logger.ts";
import { startServer } from "./server.ts";

async function main(): Promise<void> {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`scrapewatch: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL, { service: "scrapewatch" });
  const running = await startServer(env, logger);
  logger.info("listening", { url: running.url, database: running.services.database.dialect });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.info("already shutting down", { signal });
      return;
    }
    logger.info("shutting down", { signal });
    // A last resort if a step hangs: what is unwritten has been spilled by then.
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
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `scrapewatch: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
