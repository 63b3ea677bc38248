import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoalescedWrites } from "./coalesced-writes.ts";

/** A real loopback connection: the server side writes, the client side collects the bytes. */
async function socketPair(server: Server): Promise<{ writer: Socket; received: () => Buffer }> {
  const accepted = once(server, "connection");
  const { port } = server.address() as { port: number };
  const reader = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  reader.on("data", (chunk: Buffer) => chunks.push(chunk));
  const [writer] = (await accepted) as [Socket];
  return { writer, received: () => Buffer.concat(chunks) };
}

const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

describe("CoalescedWrites", () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
  });
  afterAll(async () => {
    server.close();
  });

  it("writes a turn's first frame at once and holds the next ones for one writev at its end", async () => {
    const { writer, received } = await socketPair(server);
    const writes = new CoalescedWrites();
    writes.write(writer, Buffer.from("one;"));
    expect(writer.writableCorked).toBe(0);
    writes.write(writer, Buffer.from("two;"));
    writes.write(writer, Buffer.from("three;"));
    expect(writer.writableCorked).toBe(1);
    // Held back, and counted in writableLength (the slow-consumer cap sees them).
    expect(writer.writableLength).toBe(10);
    await turnEnd();
    expect(writer.writableCorked).toBe(0);
    writes.write(writer, Buffer.from("four;"));
    expect(writer.writableCorked).toBe(0);
    while (received().length < 19) await turnEnd();
    expect(received().toString()).toBe("one;two;three;four;");
    writer.destroy();
  });

  it("flushes a corked burst at once past 64 KiB, in order", async () => {
    const { writer, received } = await socketPair(server);
    const writes = new CoalescedWrites();
    const frames = Array.from({ length: 40 }, (_, i) => Buffer.alloc(4096, 65 + (i % 26)));
    const corkedAfter = frames.map((frame) => {
      writes.write(writer, frame);
      return writer.writableCorked;
    });
    // Frame 1 goes at once; 2–17 are corked; the 17th brings 64 KiB and flushes; 18 corks again.
    expect(corkedAfter.slice(0, 18)).toEqual([0, ...Array(15).fill(1), 0, 1]);
    const total = frames.length * 4096;
    while (received().length < total) await turnEnd();
    expect(received().equals(Buffer.concat(frames))).toBe(true);
    writer.destroy();
  });
});
