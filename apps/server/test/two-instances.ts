// Two servers sharing one fresh MariaDB database and one fresh Redis stream: two instances of one
// product behind a load balancer, for scale-out tests.
import { randomBytes } from "node:crypto";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { startTestServer, type TestServer } from "./test-server.ts";

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

export interface TwoInstances {
  a: TestServer;
  b: TestServer;
  /** Stops both and drops the database. */
  stop(): Promise<void>;
}

export async function startTwoInstances(env: Record<string, string> = {}): Promise<TwoInstances> {
  const database = await createTestDatabaseUrl("mysql");
  const shared = {
    REDIS_URL: REDIS_TEST_URL,
    REDIS_STREAM: `sw-test-${randomBytes(4).toString("hex")}`,
    ...env,
  };
  const a = await startTestServer({ databaseUrl: database.url, env: shared });
  const b = await startTestServer({ databaseUrl: database.url, env: shared });
  return {
    a,
    b,
    async stop() {
      await a.stop();
      await b.stop();
      await database.drop();
    },
  };
}
