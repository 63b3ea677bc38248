// A value derived from the live store, recomputed at most every `throttleMs` and rendered as a
// transition, so React can slice heavy chart renders into short tasks instead of one long one.
import { type DependencyList, startTransition, useEffect, useState } from "react";
import { useLive } from "./live-context.ts";

export function useLiveSnapshot<T>(compute: () => T, throttleMs: number, deps: DependencyList): T {
  const { store } = useLive();
  const [value, setValue] = useState(compute);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when compute changes
  useEffect(() => {
    setValue(compute());
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      timer = null;
      startTransition(() => setValue(compute()));
    };
    const stop = store.subscribe(() => {
      if (timer === null) timer = setTimeout(refresh, throttleMs);
    });
    // Quiet sources still move along the time axis.
    const ticker = setInterval(
      () => {
        if (timer === null) timer = setTimeout(refresh, 0);
      },
      Math.max(throttleMs, 5000),
    );
    return () => {
      stop();
      clearInterval(ticker);
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, throttleMs, ...deps]);
  return value;
}
