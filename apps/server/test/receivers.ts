// Real receivers for notification tests, on port 0 of this machine: an HTTP server that records
// every request and answers as the test scripts it, and an SMTP server (smtp-server) that keeps
// every message. Nothing is ever sent to an outside address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  receivedAt: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | "hang";

type Waiter = { count: number; resolve: (requests: CapturedRequest[]) => void };

export class HttpReceiver {
  readonly requests: CapturedRequest[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** `answer` decides each reply from the request and its index (0-based); default 200. */
  static async start(answer: (request: CapturedRequest, index: number) => Answer = () => ({ status: 200 })) {
    let receiver: HttpReceiver | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => receiver?.take(req, res, Buffer.concat(chunks).toString("utf8"), answer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new HttpReceiver(server, `http://127.0.0.1:${port}/hook`);
    return receiver;
  }

  /** Resolves once `count` requests have arrived (all of them so far). */
  received(count: number): Promise<CapturedRequest[]> {
    if (this.requests.length >= count) return Promise.resolve([...this.requests]);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    answer: (request: CapturedRequest, index: number) => Answer,
  ): void {
    const request = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      receivedAt: Date.now(),
    };
    const index = this.requests.push(request) - 1;
    const reply = answer(request, index);
    if (reply === "hang") this.hanging.add(res);
    else {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? "");
    }
    for (const waiter of [...this.waiters]) {
      if (this.requests.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve([...this.requests]);
      }
    }
  }
}

export interface ReceivedMail {
  from: string | null;
  to: string[];
  user: string | null;
  raw: string;
}

/** An SMTP server accepting any login (plain AUTH without TLS, as on a loopback test port). */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  private readonly waiters: { count: number; resolve: (mails: ReceivedMail[]) => void }[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: { rejectWith?: number } = {}): Promise<SmtpReceiver> {
    let receiver: SmtpReceiver | null = null;
    const server = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? "" }),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          if (options.rejectWith) {
            const error = Object.assign(new Error("mailbox unavailable"), {
              responseCode: options.rejectWith,
            });
            callback(error);
            return;
          }
          receiver?.keep({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === "string" ? session.user : null,
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.server.address() as AddressInfo;
    receiver = new SmtpReceiver(server, address.port);
    return receiver;
  }

  received(count: number): Promise<ReceivedMail[]> {
    if (this.messages.length >= count) return Promise.resolve([...this.messages]);
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private keep(mail: ReceivedMail): void {
    this.messages.push(mail);
    for (const waiter of [...this.waiters]) {
      if (this.messages.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve([...this.messages]);
      }
    }
  }
}
