// Turns any number of "something changed" calls into at most one flush per animation frame, so a
// fast stream costs one React render per frame, not one per batch.
export type ScheduleFrame = (callback: () => void) => void;

const defaultSchedule: ScheduleFrame = (callback) => {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
};

export class FrameCoalescer {
  private pending = false;

  constructor(
    private readonly flush: () => void,
    private readonly schedule: ScheduleFrame = defaultSchedule,
  ) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => {
      this.pending = false;
      this.flush();
    });
  }
}
