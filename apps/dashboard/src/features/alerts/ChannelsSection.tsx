// Notification channels: list, add, edit, test, delete (SPEC 14). Secrets are write-only: the
// server answers `hasSecret`, and an empty secret field on edit leaves the stored one alone.
import { CHANNEL_TYPES, type Channel, type ChannelType } from "@scrapewatch/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  channelsQuery,
  createChannel,
  deleteChannel,
  testChannel,
  updateChannel,
} from "../../api/monitoring.ts";

interface Draft {
  name: string;
  type: ChannelType;
  target: string;
  secret: string;
}
const EMPTY: Draft = { name: "", type: "webhook", target: "", secret: "" };

export function ChannelsSection() {
  const queryClient = useQueryClient();
  const channels = useQuery(channelsQuery());
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["channels"] });
  const save = useMutation({
    mutationFn: (d: Draft) => {
      const target = d.type === "email" ? { to: splitList(d.target) } : { url: d.target.trim() };
      const secret = d.type === "webhook" && d.secret ? { secret: d.secret } : {};
      return editing
        ? updateChannel(editing, { ...target, ...secret })
        : createChannel({ name: d.name.trim(), type: d.type, ...target, ...secret });
    },
    onSuccess: (channel) => {
      setResult(`Channel ${channel.name} saved.`);
      setDraft(EMPTY);
      setEditing(null);
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: deleteChannel, onSuccess: () => void refresh() });
  const test = useMutation({
    mutationFn: testChannel,
    onSuccess: (r, name) =>
      setResult(
        r.delivered
          ? `Test sent to ${name} (${r.status ?? "ok"}).`
          : `Test to ${name} failed: ${r.error ?? r.status}`,
      ),
  });
  const edit = (channel: Channel) => {
    setEditing(channel.name);
    setDraft({
      name: channel.name,
      type: channel.type,
      target: channel.url ?? channel.to?.join(", ") ?? "",
      secret: "",
    });
  };
  const error = save.error ?? remove.error ?? test.error;
  return (
    <section className="alerts-section" data-testid="channels">
      <h2 className="section-title">Channels</h2>
      {channels.data?.length === 0 && (
        <p className="muted">No channel yet: incidents open and resolve, but nothing is sent anywhere.</p>
      )}
      <ul className="incident-list">
        {channels.data?.map((channel) => (
          <li key={channel.name} className="incident" data-testid={`channel-${channel.name}`}>
            <div className="incident-head">
              <strong className="mono">{channel.name}</strong>
              <span className="pill">{channel.type}</span>
              <span className="muted small truncate">{channel.url ?? channel.to?.join(", ")}</span>
              {channel.hasSecret && <span className="muted small">signed</span>}
              {!channel.enabled && <span className="pill">disabled</span>}
              <button type="button" className="ghost" onClick={() => test.mutate(channel.name)}>
                Test
              </button>
              <button type="button" className="ghost" onClick={() => edit(channel)}>
                Edit
              </button>
              <button type="button" className="ghost" onClick={() => remove.mutate(channel.name)}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <label>
          Name
          <input
            value={draft.name}
            disabled={editing !== null}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            placeholder="ops-webhook"
            pattern="[a-z0-9-]{1,50}"
            required
          />
        </label>
        <label>
          Type
          <select
            value={draft.type}
            disabled={editing !== null}
            onChange={(e) => setDraft({ ...draft, type: e.target.value as ChannelType })}
          >
            {CHANNEL_TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </label>
        <label>
          {draft.type === "email" ? "To (comma-separated)" : "URL"}
          <input
            value={draft.target}
            onChange={(e) => setDraft({ ...draft, target: e.target.value })}
            required
          />
        </label>
        {draft.type === "webhook" && (
          <label>
            Secret {editing ? "(empty: keep)" : "(optional)"}
            <input
              type="password"
              autoComplete="off"
              value={draft.secret}
              onChange={(e) => setDraft({ ...draft, secret: e.target.value })}
            />
          </label>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {editing ? `Save ${editing}` : "Add channel"}
        </button>
        {editing && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setEditing(null);
              setDraft(EMPTY);
            }}
          >
            Cancel
          </button>
        )}
      </form>
      {error && <p className="notice bad">{error.message}</p>}
      {result && (
        <p className="notice" role="status">
          {result}
        </p>
      )}
    </section>
  );
}

function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
