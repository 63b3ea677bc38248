// What a sender is given and what it answers: one attempt at one delivery.
import type { Incident, Monitor, NotificationType } from "@scrapewatch/protocol";

export interface OutgoingNotification {
  /** The delivery id: the same on every attempt, so receivers can drop repeats. */
  id: string;
  type: NotificationType;
  incident: Incident;
  monitor: Monitor | null;
}

export type SendResult =
  | { delivered: true; status: number }
  | {
      delivered: false;
      /** Network errors, timeouts, 408, 429, 5xx (and SMTP 4xx): worth another attempt. */
      retryable: boolean;
      /** HTTP status (SMTP reply code for email), null when the receiver never answered. */
      status: number | null;
      /** One line for the incident's `lastError`: never a URL, header or secret. */
      error: string;
      /** The receiver's Retry-After, in ms. */
      retryAfterMs: number | null;
    };

export interface SendOptions {
  timeoutMs: number;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}
