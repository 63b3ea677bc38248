// The latest failures of one source, newest first.
import { clock } from "../../hooks/format.ts";
import type { LiveEvent } from "../../stream/types.ts";

export function RecentErrors({ errors }: { errors: readonly LiveEvent[] }) {
  if (errors.length === 0) return <p className="muted">No errors since this page opened.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Time</th>
          <th>Kind</th>
          <th>URL</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {errors.slice(0, 20).map((e) => (
          <tr key={e.id}>
            <td className="mono nowrap">{clock(Date.parse(e.timestamp))}</td>
            <td>{e.type}</td>
            <td className="mono truncate" title={"url" in e ? e.url : ""}>
              {"url" in e ? e.url : "—"}
            </td>
            <td className="truncate" title={e.error ?? ""}>
              {e.error ?? "failed"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
