import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

describe("parseEnv", () => {
  it("gives the documented defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: "127.0.0.1",
      DATABASE_URL: "file:./data/scrapewatch.db",
      BATCH_INTERVAL_MS: 1000,
      MAX_BATCH_SIZE: 100,
      FLUSH_INTERVAL_MS: 5000,
      FLUSH_BATCH_SIZE: 100,
      MAX_PENDING: 100_000,
      MAX_CLIENTS: 1000,
      SSE_HEARTBEAT_MS: 15_000,
      HEARTBEAT_INTERVAL_MS: 30_000,
      RETENTION_DAYS: 7,
      ANOMALY_THRESHOLD: 3,
      DEMO: false,
    });
  });

  it("names the variable and the reason of a bad value", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "postgres://x" })).toThrow(/DATABASE_URL: must be file:/);
    expect(() => parseEnv({ AGGREGATE_AT: "25:00" })).toThrow(/AGGREGATE_AT/);
  });

  it("refuses a public bind without tokens unless ALLOW_ANONYMOUS=true", () => {
    expect(() => parseEnv({ HOST: "0.0.0.0" })).toThrow(/HOST: bound to 0.0.0.0/);
    expect(parseEnv({ HOST: "0.0.0.0", ALLOW_ANONYMOUS: "true" }).HOST).toBe("0.0.0.0");
    const all = { INGEST_TOKENS: "a", READ_TOKENS: "b", ADMIN_TOKENS: "c" };
    expect(parseEnv({ HOST: "0.0.0.0", ...all }).READ_TOKENS).toEqual(["b"]);
  });

  it("refuses a public bind with read and ingest tokens but no admin tokens", () => {
    expect(() => parseEnv({ HOST: "0.0.0.0", INGEST_TOKENS: "a", READ_TOKENS: "b" })).toThrow(
      /HOST: .*without ADMIN_TOKENS/,
    );
  });

  it("decides loopback by parsing the address, not by its spelling", () => {
    for (const host of ["127.evil.example", "127.0.0.1.nip.io", "::2", "10.0.0.1", "::ffff:10.0.0.1"]) {
      expect(() => parseEnv({ HOST: host }), host).toThrow(/not loopback/);
    }
    for (const host of ["localhost", "127.0.0.1", "127.3.4.5", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(parseEnv({ HOST: host }).HOST, host).toBe(host);
    }
  });

  it("gives the hardening limits their documented defaults", () => {
    expect(parseEnv({})).toMatchObject({
      REPLAY_BUFFER_BYTES: 64 * 1024 * 1024,
      MAX_PENDING_BYTES: 256 * 1024 * 1024,
      MAX_SOURCES: 10_000,
      SLOW_CLIENT_TIMEOUT_MS: 30_000,
      MAX_STREAMS_PER_CLIENT: 100,
      DEAD_LETTER_MAX_BYTES: 64 * 1024 * 1024,
      TRUST_PROXY: [],
    });
  });
});
