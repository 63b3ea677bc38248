import { describe, expect, it } from "vitest";
import { type SseEvent, SseParser } from "./sse-parser.ts";

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    event: (e) => events.push(e),
    comment: (c) => comments.push(c),
    retry: (ms) => retries.push(ms),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, comments, retries };
}

describe("SseParser", () => {
  it("parses named events with ids, comments and retry", () => {
    const { events, comments, retries } = parse([
      'retry: 3000\n\nevent: connected\ndata: {"a":1}\n\n: ping\n\nid: 5-0\nevent: metrics\ndata: {"b":2}\n\n',
    ]);
    expect(retries).toEqual([3000]);
    expect(comments).toEqual(["ping"]);
    expect(events).toEqual([
      { event: "connected", data: '{"a":1}', id: undefined },
      { event: "metrics", data: '{"b":2}', id: "5-0" },
    ]);
  });

  it("joins multi-line data and handles CRLF, CR and chunks split anywhere", () => {
    const text = "event: x\r\ndata: one\r\ndata: two\r\n\r\nevent: y\rdata: three\r\r";
    for (let cut = 1; cut < text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      expect(events).toEqual([
        { event: "x", data: "one\ntwo", id: undefined },
        { event: "y", data: "three", id: undefined },
      ]);
    }
  });

  it("drops an event without data and defaults the name to message", () => {
    const { events } = parse(["event: empty\n\ndata: hi\n\n"]);
    expect(events).toEqual([{ event: "message", data: "hi", id: undefined }]);
  });
});
