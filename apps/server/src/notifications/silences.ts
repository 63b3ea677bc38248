// Silences as the API and the notifier use them: create, list, end now, and "does one match?".
import type { SilenceStore, StoredSilence } from "@scrapewatch/db";
import type { IncidentKind, Silence, SilenceInput } from "@scrapewatch/protocol";
import type { z } from "zod";
import type { EventIdGenerator } from "../pipeline/event-ids.ts";
import { silenceMatches } from "./matching.ts";

/** SilenceInput after parsing (defaults applied). */
export type SilenceRequest = z.output<typeof SilenceInput>;

export class Silences {
  constructor(
    private readonly store: SilenceStore,
    private readonly ids: EventIdGenerator,
    /** Called after a silence ends early, so deliveries it held back go out at once. */
    private readonly onEnded: () => void,
  ) {}

  async create(request: SilenceRequest, now = new Date()): Promise<Silence> {
    const silence: StoredSilence = {
      id: this.ids.next(),
      sources: request.sources,
      kinds: request.kinds,
      startsAt: request.startsAt === undefined ? now : new Date(request.startsAt),
      endsAt: new Date(request.endsAt),
      reason: request.reason,
      createdAt: now,
    };
    await this.store.create(silence);
    return toSilence(silence, now);
  }

  async list(active: boolean | undefined, limit: number, now = new Date()): Promise<Silence[]> {
    const silences = await this.store.list({ active, now, limit });
    return silences.map((silence) => toSilence(silence, now));
  }

  /** Ends the silence now; null when there is no such silence. */
  async end(id: string, now = new Date()): Promise<Silence | null> {
    const ended = await this.store.end(id, now);
    if (ended) this.onEnded();
    return ended ? toSilence(ended, now) : null;
  }

  async isSilenced(source: string, kind: IncidentKind, now = new Date()): Promise<boolean> {
    const active = await this.store.active(now);
    return active.some((silence) => silenceMatches(silence, source, kind));
  }

  active(now = new Date()): Promise<StoredSilence[]> {
    return this.store.active(now);
  }
}

export function toSilence(silence: StoredSilence, now: Date): Silence {
  return {
    id: silence.id,
    sources: silence.sources,
    kinds: silence.kinds,
    startsAt: silence.startsAt.toISOString(),
    endsAt: silence.endsAt.toISOString(),
    reason: silence.reason,
    createdAt: silence.createdAt.toISOString(),
    active: silence.startsAt <= now && now < silence.endsAt,
  };
}
