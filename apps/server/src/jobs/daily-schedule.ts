// Runs a job every day at HH:MM server local time, with a timer to the next occurrence that
// never keeps the process alive. A run still going when the next is due is not doubled.
export interface DailySchedule {
  stop(): Promise<void>;
}

export function nextOccurrence(at: string, now: Date): Date {
  const [hours = 0, minutes = 0] = at.split(":").map(Number);
  const next = new Date(now);
  next.setHours(hours, minutes, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

export function scheduleDaily(
  at: string,
  job: () => Promise<unknown>,
  onError: (error: unknown) => void,
): DailySchedule {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const delay = nextOccurrence(at, new Date()).getTime() - Date.now();
    timer = setTimeout(fire, Math.max(0, delay));
    timer.unref();
  };
  const fire = () => {
    if (!running) {
      running = job()
        .catch(onError)
        .finally(() => {
          running = null;
        });
    }
    arm();
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
