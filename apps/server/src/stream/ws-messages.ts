// Reading a WebSocket client's frame: size, JSON, type and fields, each failure with the error
// code the client gets back. Counting and closing are the session's business (ws.ts).
import {
  ClientMessage,
  MAX_SOURCES_PER_SUBSCRIPTION,
  MAX_WS_FRAME_BYTES,
  type WsErrorCode,
} from "@scrapewatch/protocol";

const TYPES = new Set(["subscribe", "unsubscribe", "ping", "status"]);

export type ParsedFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: WsErrorCode; message: string };

export function parseClientFrame(data: unknown): ParsedFrame {
  if (typeof data !== "string") {
    return { ok: false, code: "invalid_message", message: "send JSON text frames, not binary" };
  }
  if (Buffer.byteLength(data) > MAX_WS_FRAME_BYTES) {
    return {
      ok: false,
      code: "frame_too_large",
      message: `frames are limited to ${MAX_WS_FRAME_BYTES} bytes`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, code: "invalid_json", message: "the frame is not valid JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, code: "invalid_message", message: 'a message is a JSON object {"type": …}' };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string" || !TYPES.has(type)) {
    return {
      ok: false,
      code: "unknown_type",
      message: `unknown message type ${JSON.stringify(type ?? null)}; expected subscribe, unsubscribe, ping or status`,
    };
  }
  const sources = (json as { sources?: unknown }).sources;
  if (Array.isArray(sources) && sources.length > MAX_SOURCES_PER_SUBSCRIPTION) {
    return {
      ok: false,
      code: "too_many_sources",
      message: `at most ${MAX_SOURCES_PER_SUBSCRIPTION} sources per connection`,
    };
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, code: "invalid_message", message: `${where}${issue?.message ?? "invalid message"}` };
  }
  return { ok: true, message: parsed.data };
}
