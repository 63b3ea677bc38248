// The AsyncAPI 3.0 document of the streaming transports: every WebSocket message both ways and
// every SSE event, with payload schemas generated from the protocol package's zod schemas.
import { ClientMessage, SSE_EVENTS, ServerMessageSchema } from "@scrapewatch/protocol";
import { z } from "zod";
import { SSE_EVENT_DATA, SSE_EVENT_SUMMARIES } from "../../stream/sse-events.ts";

type Json = Record<string, unknown>;
type Ref = { $ref: string };

/** JSON Schema draft-07, the dialect of AsyncAPI's default schema format. */
function schemaOf(schema: z.ZodType): Json {
  // An empty registry: the OpenAPI component ids would become $defs references, which an AsyncAPI
  // parser resolves against the document root; each payload is inlined instead.
  const json = z.toJSONSchema(schema, {
    target: "draft-7",
    io: "output",
    unrepresentable: "any",
    metadata: z.registry(),
  }) as Json;
  delete json.$schema;
  return json;
}

/** `subscribe` → `Subscribe`, for message keys such as `clientSubscribe`. */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Messages {
  messages: Record<string, Json>;
  refs: Record<string, Ref>;
}

/** One AsyncAPI message per variant of a discriminated union, keyed `<prefix><Type>`. */
function messagesOfUnion(
  prefix: string,
  union: { options: readonly z.ZodObject[] },
  summary: (type: string) => string,
): Messages {
  const out: Messages = { messages: {}, refs: {} };
  for (const option of union.options) {
    const literal = option.shape.type;
    const type = literal instanceof z.ZodLiteral ? String(literal.value) : "unknown";
    const key = `${prefix}${capitalized(type)}`;
    out.messages[key] = { name: type, title: `${type}`, summary: summary(type), payload: schemaOf(option) };
    out.refs[key] = { $ref: `#/components/messages/${key}` };
  }
  return out;
}

const CLIENT_SUMMARIES: Record<string, string> = {
  subscribe: "Receive these sources (all when absent), resuming after lastEventId when given.",
  unsubscribe: "Stop receiving these sources (all when absent).",
  ping: "Ask for a pong (application-level keep-alive).",
  status: "Ask for this connection's status.",
};

export function buildAsyncApi(): Json {
  const client = messagesOfUnion("client", ClientMessage, (type) => CLIENT_SUMMARIES[type] ?? type);
  const server = messagesOfUnion("server", ServerMessageSchema, (type) => `Server message \`${type}\`.`);
  const sse: Messages = { messages: {}, refs: {} };
  for (const name of SSE_EVENTS) {
    const key = `sse${capitalized(name)}`;
    sse.messages[key] = {
      name,
      title: `SSE event ${name}`,
      summary: SSE_EVENT_SUMMARIES[name],
      description: `Sent as \`event: ${name}\` with the payload as JSON on the \`data:\` line.`,
      payload: schemaOf(SSE_EVENT_DATA[name]),
    };
    sse.refs[key] = { $ref: `#/components/messages/${key}` };
  }
  const channelRefs = (channel: string, keys: string[]) =>
    keys.map((key) => ({ $ref: `#/channels/${channel}/messages/${key}` }));
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Scrapewatch streams",
      version: "1.0.0",
      description:
        "Live batches of metric events over WebSocket (/api/v1/ws) and Server-Sent Events (/api/v1/stream). Both need a read token (Authorization: Bearer or ?token=) when READ_TOKENS are set. The HTTP routes are in the OpenAPI document at /api/v1/openapi.json.",
    },
    defaultContentType: "application/json",
    servers: {
      websocket: {
        host: "localhost:3000",
        protocol: "ws",
        description: "The Scrapewatch server itself (use its host and port; wss behind TLS).",
      },
      http: {
        host: "localhost:3000",
        protocol: "http",
        description: "The Scrapewatch server itself; SSE is a GET answered as text/event-stream.",
      },
    },
    channels: {
      ws: {
        address: "/api/v1/ws",
        title: "WebSocket",
        description:
          "One JSON message per text frame, both ways. Query: sources (comma separated), lastEventId, token. The server sends `connected` first.",
        servers: [{ $ref: "#/servers/websocket" }],
        messages: { ...client.refs, ...server.refs },
      },
      sse: {
        address: "/api/v1/stream",
        title: "Server-Sent Events",
        description:
          "Query: sources, lastEventId (or the Last-Event-ID header), token. `: ping` comments keep the stream open.",
        servers: [{ $ref: "#/servers/http" }],
        messages: sse.refs,
      },
    },
    operations: {
      receiveClientMessages: {
        action: "receive",
        channel: { $ref: "#/channels/ws" },
        summary: "Messages a WebSocket client sends.",
        messages: channelRefs("ws", Object.keys(client.refs)),
      },
      sendServerMessages: {
        action: "send",
        channel: { $ref: "#/channels/ws" },
        summary: "Messages the server sends on a WebSocket.",
        messages: channelRefs("ws", Object.keys(server.refs)),
      },
      sendSseEvents: {
        action: "send",
        channel: { $ref: "#/channels/sse" },
        summary: "Events the server sends on an SSE stream.",
        messages: channelRefs("sse", Object.keys(sse.refs)),
      },
    },
    components: { messages: { ...client.messages, ...server.messages, ...sse.messages } },
  };
}
