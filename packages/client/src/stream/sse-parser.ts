// Incremental parser of a text/event-stream body (the WHATWG rules): fed decoded chunks as they
// arrive, it dispatches complete events and reports comment lines (heartbeats).

export interface SseEvent {
  event: string;
  data: string;
  /** The `id:` of this event, if it carried one. */
  id: string | undefined;
}

export interface SseParserHandlers {
  event(event: SseEvent): void;
  comment?(text: string): void;
  retry?(ms: number): void;
}

export class SseParser {
  private buffer = "";
  private eventName = "";
  private data: string[] = [];
  private id: string | undefined;
  private started = false;
  /** The last chunk ended in CR: a LF at the start of the next one belongs to it. */
  private pendingCr = false;

  constructor(private readonly handlers: SseParserHandlers) {}

  feed(text: string): void {
    let chunk = text;
    if (this.pendingCr && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.pendingCr = false;
    this.buffer += chunk;
    if (!this.started && this.buffer.length > 0) {
      this.started = true;
      if (this.buffer.charCodeAt(0) === 0xfeff) this.buffer = this.buffer.slice(1);
    }
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf("\r", start);
      const lf = this.buffer.indexOf("\n", start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      this.line(this.buffer.slice(start, end));
      if (end === cr && cr === this.buffer.length - 1) this.pendingCr = true;
      start = end === cr && this.buffer[cr + 1] === "\n" ? cr + 2 : end + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) {
      this.handlers.comment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.eventName = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\u0000")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.handlers.retry?.(Number(value));
  }

  private dispatch(): void {
    const id = this.id;
    this.id = undefined;
    const name = this.eventName || "message";
    this.eventName = "";
    if (this.data.length === 0) return;
    const data = this.data.join("\n");
    this.data = [];
    this.handlers.event({ event: name, data, id });
  }
}
