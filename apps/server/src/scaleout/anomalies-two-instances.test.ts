// Anomalies with two instances behind Redis: detected on the whole stream of a source (half its
// events ingested on each instance), stored once, and sent once to subscribers on both.
import { describe, expect, it } from "vitest";
import { navigationEvent, uniqueSource } from "../../test/factories.ts";
import { SseStream } from "../../test/stream-clients.ts";
import { eventually } from "../../test/test-server.ts";
import { useTwoInstances } from "../../test/two-instances.ts";

describe("anomalies across two instances", () => {
  const instances = useTwoInstances();

  it("judges a source's events from both instances together and delivers the anomaly once everywhere", async () => {
    const { a, b } = instances;
    const source = uniqueSource();
    const onA = await SseStream.open(`${a.url}/api/v1/stream?sources=${source}`);
    const onB = await SseStream.open(`${b.url}/api/v1/stream?sources=${source}`);
    await onA.waitFor("connected");
    await onB.waitFor("connected");
    // The baseline: 24 steady navigations, every other request on the other instance. Neither
    // instance alone sees the 20 samples a baseline needs before it judges.
    for (let i = 0; i < 12; i++) {
      const steady = [
        navigationEvent(source, { durationMs: 790 + i }),
        navigationEvent(source, { durationMs: 810 - i }),
      ];
      const response = await (i % 2 === 0 ? a : b).ingest({ metrics: steady });
      expect(response.status).toBe(202);
      await onA.waitForEvents(2 * (i + 1));
    }
    const spike = [8_000, 9_000, 7_500].map((durationMs) => navigationEvent(source, { durationMs }));
    expect((await b.ingest({ metrics: spike })).status).toBe(202);

    const [fromA] = await onA.waitFor("anomaly");
    const [fromB] = await onB.waitFor("anomaly");
    const anomaly = JSON.parse(fromA?.data ?? "{}") as { id: string; metric: string; source: string };
    expect(anomaly).toMatchObject({ source, metric: "navigationDuration" });
    expect(JSON.parse(fromB?.data ?? "{}")).toEqual(anomaly);
    const stored = await eventually(
      () => a.services.history.anomalies.list({ sources: [source], limit: 10 }),
      (list) => list.length > 0,
    );
    expect(stored.map((row) => row.id)).toEqual([anomaly.id]);
    // One more batch: nothing new, and no second copy arrived meanwhile on either stream.
    const calm = [navigationEvent(source, { durationMs: 800 })];
    expect((await a.ingest({ metrics: calm })).status).toBe(202);
    await onA.waitForEvents(28);
    await onB.waitForEvents(28);
    expect(onA.events.filter((e) => e.event === "anomaly")).toHaveLength(1);
    expect(onB.events.filter((e) => e.event === "anomaly")).toHaveLength(1);
    onA.close();
    onB.close();
  });
});
