// A clock that ticks every few seconds, for "12 s ago" and rolling windows on quiet sources.
import { useEffect, useState } from "react";

export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
