// REST of monitors, incidents, channels and silences (SPEC 14): react-query reads and the admin
// changes. Answers are the protocol package's types. Incident stream events invalidate the
// "incidents" and "monitors" keys (LiveProvider), so these views follow along live.
import type {
  Channel,
  ChannelInput,
  ChannelPatch,
  ChannelTestResult,
  Incident,
  Monitor,
  MonitorSettingsPatch,
  Silence,
  SilenceInput,
} from "@scrapewatch/protocol";
import { queryOptions } from "@tanstack/react-query";
import { getJson, sendJson } from "./client.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const enc = encodeURIComponent;

export const monitorsQuery = () =>
  queryOptions({
    queryKey: ["monitors"],
    queryFn: async ({ signal }) =>
      (await getJson<Page<Monitor>>("/api/v1/monitors", { limit: 1000 }, signal)).items,
    refetchInterval: 30_000,
  });

export const incidentsQuery = (state: "open" | "resolved", limit = 100) =>
  queryOptions({
    queryKey: ["incidents", state, limit],
    queryFn: async ({ signal }) =>
      (await getJson<Page<Incident>>("/api/v1/incidents", { state, limit }, signal)).items,
    // Notification attempts change without an incident transition: look again now and then.
    refetchInterval: 15_000,
  });

export const channelsQuery = () =>
  queryOptions({
    queryKey: ["channels"],
    queryFn: async ({ signal }) =>
      (await getJson<{ items: Channel[] }>("/api/v1/channels", {}, signal)).items,
  });

/** The silences in force now: the only ones the Alerts page lists. */
export const silencesQuery = () =>
  queryOptions({
    queryKey: ["silences"],
    queryFn: async ({ signal }) =>
      (await getJson<{ items: Silence[] }>("/api/v1/silences", { active: "true" }, signal)).items,
    refetchInterval: 60_000,
  });

export const putMonitor = (source: string, patch: MonitorSettingsPatch) =>
  sendJson<Monitor>("PUT", `/api/v1/monitors/${enc(source)}`, patch);
export const resetMonitor = (source: string) => sendJson<void>("DELETE", `/api/v1/monitors/${enc(source)}`);

export const createChannel = (channel: ChannelInput) =>
  sendJson<Channel>("POST", "/api/v1/channels", channel);
export const updateChannel = (name: string, patch: ChannelPatch) =>
  sendJson<Channel>("PUT", `/api/v1/channels/${enc(name)}`, patch);
export const deleteChannel = (name: string) => sendJson<void>("DELETE", `/api/v1/channels/${enc(name)}`);
export const testChannel = (name: string) =>
  sendJson<ChannelTestResult>("POST", `/api/v1/channels/${enc(name)}/test`);

export const createSilence = (silence: SilenceInput) =>
  sendJson<Silence>("POST", "/api/v1/silences", silence);
export const endSilence = (id: string) => sendJson<void>("DELETE", `/api/v1/silences/${enc(id)}`);
