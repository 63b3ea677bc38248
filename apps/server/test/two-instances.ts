// Servers sharing one fresh MariaDB database and one fresh Redis stream: instances of one product
// behind a load balancer, for scale-out tests.
import { randomBytes } from "node:crypto";
import { createTestDatabaseUrl } from "@scrapewatch/db/testing";
import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "./test-server.ts";

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

export interface Cluster {
  databaseUrl: string;
  /** Starts one more instance (with settings of its own on top of the shared ones). */
  add(env?: Record<string, string>): Promise<TestServer>;
  /** Stops every instance and drops the database. */
  stop(): Promise<void>;
}

export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabaseUrl("mysql");
  const shared = {
    REDIS_URL: REDIS_TEST_URL,
    REDIS_STREAM: `sw-test-${randomBytes(4).toString("hex")}`,
    ...env,
  };
  const servers: TestServer[] = [];
  return {
    databaseUrl: database.url,
    async add(own = {}) {
      const server = await startTestServer({ databaseUrl: database.url, env: { ...shared, ...own } });
      servers.push(server);
      return server;
    },
    async stop() {
      for (const server of servers) await server.stop();
      await database.drop();
    },
  };
}

export interface TwoInstances {
  readonly a: TestServer;
  readonly b: TestServer;
}

/** Two instances started before the suite's tests and stopped after them. */
export function useTwoInstances(env: Record<string, string> = {}): TwoInstances {
  let cluster: Cluster | undefined;
  let servers: TestServer[] = [];
  beforeAll(async () => {
    cluster = await startCluster(env);
    servers = [await cluster.add(), await cluster.add()];
  });
  afterAll(async () => cluster?.stop());
  const started = (i: number) => {
    const server = servers[i];
    if (!server) throw new Error("the instances are started in beforeAll");
    return server;
  };
  return {
    get a() {
      return started(0);
    },
    get b() {
      return started(1);
    },
  };
}
