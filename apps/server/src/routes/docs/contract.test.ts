// Real answers of every documented route, checked against the OpenAPI document with ajv: the
// routes come from the document the app generates (never a hand-kept list), the data is seeded
// through the public API, and bad requests must get a status the route declares.
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncidentStore } from "@scrapewatch/db";
import { navigationEvent, schedulerEvent, scrapeEvent, uniqueSource } from "../../../test/factories.ts";
import { HttpReceiver } from "../../../test/receivers.ts";
import { eventually, startTestServer, type TestServer } from "../../../test/test-server.ts";

type Json = Record<string, unknown>;
interface Seeded {
  source: string;
  today: string;
  incidentId: string;
  channel: string;
  silenceId: string;
  receiverUrl: string;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

/** What a request to an operation sends beyond its path: the seeded values make answers non-empty. */
function requestFor(path: string, method: string, seeded: Seeded): { url: string; init: RequestInit } {
  const { source, today } = seeded;
  const bodies: Record<string, unknown> = {
    // Another source, so that the seeded one keeps exactly three events.
    "post /api/v1/metrics": [navigationEvent(`${source}-posted`)],
    "put /api/v1/monitors/{source}": { silenceAfterSeconds: 600, schedule: { everySeconds: 3600 } },
    "post /api/v1/channels": { name: `${seeded.channel}-new`, type: "webhook", url: seeded.receiverUrl },
    "put /api/v1/channels/{name}": { enabled: true },
    "post /api/v1/silences": { sources: [source], endsAt: new Date(Date.now() + 3_600_000).toISOString() },
  };
  const params: Record<string, string> = { source, id: seeded.incidentId, name: seeded.channel };
  if (path.startsWith("/api/v1/silences/")) params.id = seeded.silenceId;
  const queries: Record<string, string> = {
    "post /api/v1/admin/aggregate": `?date=${today}`,
    "get /api/v1/summaries/daily": `?source=${source}`,
    "get /api/v1/summaries/scheduler": `?source=${source}`,
    "get /api/v1/metrics": `?source=${source}`,
  };
  const key = `${method} ${path}`;
  const body = bodies[key];
  const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? name));
  return {
    url: `${concrete}${queries[key] ?? ""}`,
    init: {
      method: method.toUpperCase(),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    },
  };
}

/** Requests that must be refused, each with the status the document must declare for it. */
const BAD_REQUESTS: { url: string; init?: RequestInit; status: number }[] = [
  { url: "/api/v1/metrics?limit=0", status: 400 },
  { url: "/api/v1/metrics?after=nope", status: 400 },
  { url: "/api/v1/metrics?from=2026-02-30", status: 400 },
  { url: "/api/v1/metrics/export?format=xml", status: 400 },
  { url: "/api/v1/sources?limit=1001", status: 400 },
  { url: "/api/v1/summaries/daily?from=2026-02-30", status: 400 },
  { url: "/api/v1/summaries/scheduler?to=2026-13-01", status: 400 },
  { url: "/api/v1/anomalies?since=2026-02-30T00:00:00Z", status: 400 },
  { url: "/api/v1/admin/aggregate?date=2026-02-30", init: { method: "POST" }, status: 400 },
  { url: "/api/v1/stream?sources=bad%20name!", status: 400 },
  { url: "/api/v1/ws", status: 426 },
  {
    url: "/api/v1/metrics",
    init: { method: "POST", body: "[", headers: { "content-type": "application/json" } },
    status: 400,
  },
  {
    url: "/api/v1/metrics",
    init: { method: "POST", body: "{}", headers: { "content-type": "text/plain" } },
    status: 415,
  },
  {
    url: "/api/v1/metrics",
    init: {
      method: "POST",
      body: JSON.stringify([{ type: "teleport" }]),
      headers: { "content-type": "application/json" },
    },
    status: 400,
  },
];

describe("every documented route answers as the OpenAPI document says", () => {
  let server: TestServer;
  let document: { paths: Paths };
  let ajv: Ajv2020;
  const source = uniqueSource("contract");
  const today = new Date().toISOString().slice(0, 10);
  let receiver: HttpReceiver;
  let seeded: Seeded;

  beforeAll(async () => {
    server = await startTestServer();
    receiver = await HttpReceiver.start();
    document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Paths };
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; OpenAPI's own keywords (example...) are allowed.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    // A CommonJS module: its function is the default export's `default`.
    formats.default(ajv);
    ajv.addSchema(document, "openapi.json");
    // Seed: three kinds of event stored, then the day summarized, so lists and summaries have items
    // (the navigation's health fields give the proxies route and the health figures a row).
    const navigation = navigationEvent(source, {
      statusCode: 403,
      blocked: true,
      blockReason: "captcha",
      proxy: "10.0.0.1:8080",
    });
    expect((await server.ingest([navigation, scrapeEvent(source), schedulerEvent(source)])).status).toBe(202);
    await eventually(
      () => server.services.store.count([source]),
      (n) => n === 3,
    );
    await fetch(`${server.url}/api/v1/admin/aggregate?date=${today}`, { method: "POST" });
    // An incident (stored as the evaluator stores one), a channel and a silence for the {id}/{name} routes.
    const incidentId = "01M94TY1P24ZBEK10000000001";
    await new IncidentStore(server.services.database).open({
      id: incidentId,
      source,
      kind: "silence",
      key: "",
      state: "open",
      openedAt: new Date(),
      resolvedAt: null,
      summary: `${source} has sent nothing for 10 minutes`,
      details: {},
      silenced: false,
    });
    const channel = source
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .slice(0, 40);
    const created = await postJson("/api/v1/channels", { name: channel, type: "webhook", url: receiver.url });
    expect(created.status).toBe(201);
    const silence = await postJson("/api/v1/silences", {
      sources: [source],
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(silence.status).toBe(201);
    const silenceId = ((await silence.json()) as { id: string }).id;
    seeded = { source, today, incidentId, channel, silenceId, receiverUrl: receiver.url };
  });
  afterAll(async () => {
    await receiver.close();
    await server.stop();
  });

  function postJson(path: string, body: unknown) {
    return fetch(`${server.url}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
  }

  /** Validates a body against the schema the document declares at a status and media type. */
  function check(path: string, method: string, status: number, mediaType: string, body: unknown) {
    const operation = document.paths[path]?.[method];
    const response = operation?.responses[String(status)];
    expect(response, `${method} ${path} declares ${status}`).toBeDefined();
    const declared = Object.keys(response?.content ?? {});
    expect(declared, `${method} ${path} ${status} declares ${mediaType}`).toContain(mediaType);
    if (mediaType !== "application/json") return;
    const pointer = ["#", "paths", path, method, "responses", String(status), "content", mediaType, "schema"]
      .map((part, i) => (i === 0 ? part : part.replace(/~/g, "~0").replace(/\//g, "~1")))
      .join("/");
    const validate = ajv.getSchema(`openapi.json${pointer}`);
    expect(validate, pointer).toBeDefined();
    if (validate && !validate(body)) {
      expect.fail(
        `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  }

  it("answers each route with a documented status and a body its schema accepts", async () => {
    // Deletions last, so that every other route still finds what was seeded.
    const operations = Object.entries(document.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method })))
      .sort((a, b) => Number(a.method === "delete") - Number(b.method === "delete"));
    expect(operations.length).toBeGreaterThanOrEqual(16);
    for (const { path, method } of operations) {
      if (path === "/api/v1/stream") continue; // an endless stream: checked below
      const { url, init } = requestFor(path, method, seeded);
      const response = await fetch(`${server.url}${url}`, init);
      const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
      const text = await response.text();
      if (response.status === 204) {
        expect(
          document.paths[path]?.[method]?.responses["204"],
          `${method} ${path} declares 204`,
        ).toBeDefined();
        expect(text).toBe("");
        continue;
      }
      const body = mediaType === "application/json" ? JSON.parse(text) : text;
      check(path, method, response.status, mediaType, body);
      if (mediaType === "application/json" && path !== "/api/v1/ws") {
        expect(response.status, `${method} ${path}`).toBeLessThan(300);
      }
    }
  });

  it("exports NDJSON lines that are documented MetricItems, and CSV", async () => {
    const ndjson = await fetch(`${server.url}/api/v1/metrics/export?source=${source}&format=ndjson`);
    check("/api/v1/metrics/export", "get", 200, "application/x-ndjson", null);
    const lines = (await ndjson.text()).trim().split("\n");
    expect(lines).toHaveLength(3);
    const item = ajv.getSchema("openapi.json#/components/schemas/MetricItem");
    for (const line of lines) expect(item?.(JSON.parse(line)), ajv.errorsText(item?.errors)).toBe(true);
    const csv = await fetch(`${server.url}/api/v1/metrics/export?source=${source}&format=csv`);
    check("/api/v1/metrics/export", "get", 200, "text/csv", null);
    expect((await csv.text()).trim().split("\n")).toHaveLength(4);
  });

  it("streams SSE events that are documented SseEvents", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/stream?sources=${source}&lastEventId=0-0`, {
      signal: controller.signal,
    });
    check("/api/v1/stream", "get", 200, "text/event-stream", null);
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (reader && !/event: connected[\s\S]*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    const frame = /event: (\w+)\n(?:id: (.*)\n)?data: (.*)\n/.exec(text);
    const sseEvent = ajv.getSchema("openapi.json#/components/schemas/SseEvent");
    const event = {
      event: frame?.[1],
      ...(frame?.[2] ? { id: frame[2] } : {}),
      data: JSON.parse(frame?.[3] ?? "null"),
    };
    expect(sseEvent?.(event), ajv.errorsText(sseEvent?.errors)).toBe(true);
  });

  it("refuses bad requests with a status the route declares, in the error schema", async () => {
    for (const bad of BAD_REQUESTS) {
      const response = await fetch(`${server.url}${bad.url}`, bad.init);
      expect(response.status, bad.url).toBe(bad.status);
      const path = bad.url.split("?")[0] ?? "";
      check(
        path,
        (bad.init?.method ?? "get").toLowerCase(),
        response.status,
        "application/json",
        await response.json(),
      );
    }
  });
});
