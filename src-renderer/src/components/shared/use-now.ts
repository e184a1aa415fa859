import { useEffect, useState } from 'react';

/**
 * The time now, every second while `ticking` (a live duration, a countdown); still otherwise.
 * Read again at once when `from` changes (a countdown to a new instant starts from now, not
 * from the last tick).
 */
export function useNowWhile(ticking: boolean, from?: unknown): number {
  const [now, setNow] = useState(() => Date.now());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `from` is a new countdown to read the time for
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking, from]);
  return now;
}
