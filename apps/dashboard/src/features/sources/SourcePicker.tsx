// Which sources the page watches: ticking and unticking subscribes and unsubscribes the stream.

import { useLive } from "../../hooks/live-context.ts";
import { useKnownSources } from "../../hooks/useKnownSources.ts";
import { MonitorStatePill, useMonitors } from "../monitors/MonitorStatePill.tsx";

export function SourcePicker() {
  const { selection, setSelection } = useLive();
  const { names } = useKnownSources();
  const monitors = useMonitors();
  const watched = (name: string) => selection === null || selection.includes(name);

  const toggle = (name: string) => {
    const current = selection ?? names;
    const next = watched(name) ? current.filter((s) => s !== name) : [...current, name];
    if (next.length === 0) return; // watching nothing is not a state worth a stream
    setSelection(names.every((s) => next.includes(s)) ? null : next.sort());
  };

  return (
    <nav className="picker" aria-label="Sources">
      <div className="picker-head">
        <h2>Sources</h2>
        <label className="picker-all">
          <input
            type="checkbox"
            checked={selection === null}
            disabled={selection === null}
            onChange={() => setSelection(null)}
          />
          All
        </label>
      </div>
      {names.length === 0 && <p className="muted small">No source has reported yet.</p>}
      <ul>
        {names.map((name) => (
          <li key={name}>
            <label>
              <input
                type="checkbox"
                checked={watched(name)}
                onChange={() => toggle(name)}
                aria-label={`Watch ${name}`}
              />
              <span className="mono" title={name}>
                {name}
              </span>
              <MonitorStatePill monitor={monitors.get(name)} />
            </label>
          </li>
        ))}
      </ul>
    </nav>
  );
}
