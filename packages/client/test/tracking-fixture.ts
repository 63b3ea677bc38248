// What the scraper-tracking tests share: the fixture site and an ingest server for the file,
// navigation retries quick enough to wait for (100 ms, then 200 ms), and a recorder per test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { configure } from "../src/defaults.ts";
import { MetricsRecorder } from "../src/recorder.ts";
import { FixtureSite } from "./fixture-site.ts";
import { IngestServer, type ReceivedEvent } from "./ingest-server.ts";

export interface TrackingFixture {
  site: FixtureSite;
  ingest: IngestServer;
  /** A recorder that sends to the ingest server; the test's own, closed after it. */
  freshRecorder(): MetricsRecorder;
  /** Makes a recorder made elsewhere (configure()'s) the test's own. */
  adoptRecorder(recorder: MetricsRecorder): MetricsRecorder;
  /** Flushes the test's recorder and answers what the ingest server holds for the source. */
  recorded(source: string): Promise<ReceivedEvent[]>;
  /** A source name no other test in this run uses. */
  unique(prefix: string): string;
}

/** Registers the file's hooks; call it once, at the top of a test file. */
export function useTrackingFixture(): TrackingFixture {
  const site = new FixtureSite();
  const ingest = new IngestServer();
  let recorder: MetricsRecorder | undefined;
  let seq = 0;

  beforeAll(async () => {
    await site.start();
    await ingest.start();
    configure({ navigationRetry: { baseDelayMs: 100, factor: 2, jitter: 0, maxDelayMs: 1000 } });
  });
  afterAll(async () => {
    await site.stop();
    await ingest.stop();
  });
  afterEach(async () => {
    await recorder?.close();
  });

  const adoptRecorder = (adopted: MetricsRecorder) => {
    recorder = adopted;
    return adopted;
  };
  return {
    site,
    ingest,
    freshRecorder: () => adoptRecorder(new MetricsRecorder({ baseUrl: ingest.baseUrl, flushOnExit: false })),
    adoptRecorder,
    async recorded(source) {
      if (!recorder) throw new Error("recorded() before the test made a recorder");
      await recorder.flush();
      return ingest.events.filter((e) => e.source === source);
    },
    unique: (prefix) => `${prefix}-${process.pid}-${++seq}`,
  };
}
