// Silences (maintenance windows): create for 1 h / 4 h / 24 h or until a chosen time, for every
// source or one, list them, end one now. While one matches, notifications are `suppressed`.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createSilence, endSilence, silencesQuery } from "../../api/monitoring.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { SILENCE_PRESETS, silenceEnd } from "./silence-window.ts";

export function SilencesSection() {
  const queryClient = useQueryClient();
  const silences = useQuery(silencesQuery());
  const { names } = useKnownSources();
  const [source, setSource] = useState("");
  const [reason, setReason] = useState("");
  const [custom, setCustom] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["silences"] });
    void queryClient.invalidateQueries({ queryKey: ["monitors"] });
  };
  const create = useMutation({
    mutationFn: (endsAt: Date) =>
      createSilence({ sources: source ? [source] : null, endsAt: endsAt.toISOString(), reason }),
    onSuccess: () => {
      setReason("");
      refresh();
    },
  });
  const end = useMutation({ mutationFn: endSilence, onSuccess: refresh });
  const start = (choice: number | string) => {
    const endsAt = silenceEnd(choice);
    setFormError(endsAt ? null : "Pick an end in the future.");
    if (endsAt) create.mutate(endsAt);
  };
  const list = (silences.data ?? []).filter((s) => s.active);
  const error = create.error ?? end.error;
  return (
    <section className="alerts-section" data-testid="silences">
      <h2 className="section-title">Silences</h2>
      <div className="form-row">
        <label>
          Source
          <select value={source} onChange={(e) => setSource(e.target.value)} aria-label="Silence source">
            <option value="">every source</option>
            {names.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Reason
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="deploy"
            maxLength={500}
          />
        </label>
        {SILENCE_PRESETS.map((preset) => (
          <button key={preset.label} type="button" className="ghost" onClick={() => start(preset.hours)}>
            Silence {preset.label}
          </button>
        ))}
        <label>
          Until
          <input type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />
        </label>
        <button type="button" className="ghost" disabled={!custom} onClick={() => start(custom)}>
          Silence until then
        </button>
      </div>
      {(formError ?? error) && <p className="notice bad">{formError ?? error?.message}</p>}
      {list.length === 0 ? (
        <p className="muted">No silence is active.</p>
      ) : (
        <ul className="incident-list">
          {list.map((silence) => (
            <li key={silence.id} className="incident" data-testid="silence">
              <div className="incident-head">
                <strong>{silence.sources?.join(", ") ?? "every source"}</strong>
                {silence.kinds && <span className="muted small">{silence.kinds.join(", ")}</span>}
                <span className="muted small">until {new Date(silence.endsAt).toLocaleString()}</span>
                {silence.reason && <span className="small">{silence.reason}</span>}
                <button type="button" className="ghost" onClick={() => end.mutate(silence.id)}>
                  End now
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
