// SSE by default; WebSocket selectable. Switching resumes from the last cursor.
import { useLive } from "../../hooks/live-context.ts";
import type { TransportKind } from "../../stream/types.ts";

const OPTIONS: Array<{ kind: TransportKind; label: string }> = [
  { kind: "sse", label: "SSE" },
  { kind: "websocket", label: "WebSocket" },
];

export function TransportPicker() {
  const { transport, setTransport } = useLive();
  return (
    <fieldset className="segmented" aria-label="Transport">
      {OPTIONS.map((option) => (
        <label key={option.kind} className={transport === option.kind ? "active" : ""}>
          <input
            type="radio"
            name="transport"
            value={option.kind}
            checked={transport === option.kind}
            onChange={() => setTransport(option.kind)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
