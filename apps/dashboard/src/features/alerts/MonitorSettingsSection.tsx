// Each source's monitor: schedule (with a human preview and the next run), silence threshold,
// max runtime, failure and block thresholds, pause. Saved with PUT, reset with DELETE.
import type { Monitor } from "@scrapewatch/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { monitorsQuery, putMonitor, resetMonitor } from "../../api/monitoring.ts";
import { MonitorStatePill } from "../monitors/MonitorStatePill.tsx";
import { formOf, type MonitorForm, patchOf, scheduleOf } from "./monitor-form.ts";
import { duration, previewSchedule } from "./schedule-preview.ts";

export function MonitorSettingsSection() {
  const monitors = useQuery(monitorsQuery());
  const [picked, setPicked] = useState<string | null>(null);
  const monitor = monitors.data?.find((m) => m.source === picked) ?? monitors.data?.[0];
  return (
    <section className="alerts-section" data-testid="monitor-settings">
      <h2 className="section-title">Monitors</h2>
      {monitors.error && <p className="notice bad">Monitors could not be read: {monitors.error.message}</p>}
      {monitors.data?.length === 0 && <p className="muted">No source has reported or been configured yet.</p>}
      {monitor && (
        <>
          <label className="form-row">
            Source{" "}
            <select value={monitor.source} onChange={(e) => setPicked(e.target.value)}>
              {monitors.data?.map((m) => (
                <option key={m.source}>{m.source}</option>
              ))}
            </select>
            <MonitorStatePill monitor={monitor} />
          </label>
          <MonitorEditor key={monitor.source} monitor={monitor} />
        </>
      )}
    </section>
  );
}

function MonitorEditor({ monitor }: { monitor: Monitor }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<MonitorForm>(() => formOf(monitor));
  const set = (patch: Partial<MonitorForm>) => setForm({ ...form, ...patch });
  const done = () => void queryClient.invalidateQueries({ queryKey: ["monitors"] });
  const save = useMutation({ mutationFn: () => putMonitor(monitor.source, patchOf(form)), onSuccess: done });
  const reset = useMutation({ mutationFn: () => resetMonitor(monitor.source), onSuccess: done });
  const schedule = scheduleOf(form);
  const preview = schedule ? previewSchedule(schedule) : null;
  const learned = monitor.learned.intervalSeconds;
  const field = (label: string, key: keyof MonitorForm, hint?: string): ReactNode => (
    <label>
      {label}
      <input value={String(form[key])} onChange={(e) => set({ [key]: e.target.value })} title={hint} />
    </label>
  );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="form-row">
        <label>
          Schedule
          <select
            value={form.scheduleKind}
            onChange={(e) => set({ scheduleKind: e.target.value as MonitorForm["scheduleKind"] })}
          >
            <option value="none">none (learn the rhythm)</option>
            <option value="cron">cron</option>
            <option value="interval">every N seconds</option>
          </select>
        </label>
        {form.scheduleKind === "cron" && field("Cron", "cron", "5 fields, or 6 with seconds")}
        {form.scheduleKind === "cron" && field("Timezone", "timezone", "IANA, e.g. Europe/Berlin")}
        {form.scheduleKind === "interval" && field("Every (s)", "everySeconds")}
        {form.scheduleKind !== "none" && field("Grace (s)", "graceSeconds")}
      </div>
      {preview && (
        <p className={preview.ok ? "small" : "notice bad"} data-testid="schedule-preview">
          {preview.ok ? preview.text : `Invalid schedule: ${preview.error}`}
        </p>
      )}
      <div className="form-row">
        {field("Silent after (s, auto, never)", "silenceAfter")}
        {field("Max runtime (s, auto, never)", "maxRuntime")}
        {monitor.kind === "scheduler"
          ? field("Failed runs in a row", "consecutiveFailures")
          : field("Failure rate %", "failureRatePercent")}
        {monitor.kind === "scraper" && field("Block rate %", "blockRatePercent")}
        <label className="nowrap">
          <input type="checkbox" checked={form.paused} onChange={(e) => set({ paused: e.target.checked })} />{" "}
          paused
        </label>
      </div>
      <p className="muted small">
        {learned === null ? "Rhythm not learnt yet." : `Learnt rhythm: every ${duration(learned)}.`}{" "}
        {monitor.effective.silenceAfterSeconds !== null &&
          `Silent after ${duration(monitor.effective.silenceAfterSeconds)} now.`}
        {monitor.nextExpectedAt && ` Next expected ${new Date(monitor.nextExpectedAt).toLocaleString()}.`}
      </p>
      <div className="form-row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save {monitor.source}
        </button>
        <button type="button" className="ghost" onClick={() => reset.mutate()}>
          Back to defaults
        </button>
      </div>
      {(save.error ?? reset.error) && <p className="notice bad">{(save.error ?? reset.error)?.message}</p>}
      {save.isSuccess && <p className="notice">Saved.</p>}
    </form>
  );
}
