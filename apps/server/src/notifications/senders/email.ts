// Email channel, through nodemailer over SMTP_URL. The Message-ID is made of the delivery id, so
// a retried mail is recognisable as the same message.
import type { StoredChannel } from "@scrapewatch/db";
import { createTransport } from "nodemailer";
import { notificationText, truncate } from "./message.ts";
import type { OutgoingNotification, SendOptions, SendResult } from "./types.ts";

export interface EmailConfig {
  /** smtp://user:pass@host:port (or smtps://); without it email channels fail with a clear error. */
  smtpUrl: string | undefined;
  from: string;
}

type Transport = ReturnType<typeof createTransport>;

export function emailSubject(notification: OutgoingNotification): string {
  const { source, summary } = notification.incident;
  return truncate(`[Scrapewatch] ${source}: ${summary}`.replace(/[\r\n]+/g, " "), 250);
}

export class EmailSender {
  private transport: Transport | null = null;

  constructor(private readonly config: EmailConfig) {}

  async send(
    channel: StoredChannel,
    notification: OutgoingNotification,
    options: SendOptions,
  ): Promise<SendResult> {
    if (!this.config.smtpUrl) {
      return {
        delivered: false,
        retryable: false,
        status: null,
        error: "SMTP_URL is not set",
        retryAfterMs: null,
      };
    }
    this.transport ??= createTransport({
      url: this.config.smtpUrl,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
    const words = notificationText(notification);
    const mail = this.transport.sendMail({
      from: this.config.from,
      to: channel.to ?? [],
      subject: emailSubject(notification),
      text: [
        words.headline,
        "",
        words.summary,
        "",
        ...words.facts.map(([label, value]) => `${label}: ${value}`),
      ].join("\n"),
      messageId: `<${notification.id}@scrapewatch>`,
      headers: { "X-Scrapewatch-Delivery": notification.id, "X-Scrapewatch-Event": notification.type },
    });
    try {
      // nodemailer's timeouts are per step; this bounds the whole attempt.
      const info = await withDeadline(mail, options);
      const code = Number(/^\d{3}/.exec(String(info.response ?? ""))?.[0] ?? 250);
      return { delivered: true, status: code };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}

function withDeadline<T>(work: Promise<T>, options: SendOptions): Promise<T> {
  work.catch(() => {}); // settles after the deadline too; its outcome no longer matters then
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener("abort", () => reject(new Error("aborted (shutting down)")), {
      once: true,
    });
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** SMTP 5xx replies are permanent (the address or message is refused); the rest may pass later. */
function smtpFailure(error: unknown): SendResult {
  const record = (typeof error === "object" && error !== null ? error : {}) as { responseCode?: unknown };
  const code = typeof record.responseCode === "number" ? record.responseCode : null;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 300);
  const permanent = code !== null && code >= 500 && code < 600 && code !== 503;
  return {
    delivered: false,
    retryable: !permanent,
    status: code,
    error: code ? `SMTP ${code}: ${message}` : message,
    retryAfterMs: null,
  };
}
