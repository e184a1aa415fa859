import { useSyncExternalStore } from 'react';
import { exactTime, relativeTime } from '../../format/relative-time.ts';

/**
 * One clock for every relative time on screen: it ticks every 15 s while at least one is shown
 * (a list of a hundred runs sets one timer, not a hundred) and stops when none is.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 15_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, as the shared clock last read it (at most 15 s old). */
export function useListClock(): number {
  return useSyncExternalStore(subscribe, read);
}

/** While no timer runs (nothing was shown), the last reading may be old: read again, once per 15 s. */
function read(): number {
  if (timer === undefined && Date.now() - now > 15_000) now = Date.now();
  return now;
}

/**
 * An instant in a list: "5 min ago" (or "in 10 min"), kept current as time passes, with the
 * exact time on hover and for assistive technology in the element's title; "—" when there is none.
 */
export function RelativeTime({
  at,
  prefix,
  className,
  title,
}: {
  at: string | number | null | undefined;
  /** Words before the time, e.g. "asked", "due". */
  prefix?: string;
  className?: string;
  /** The hover text, when it says more than the exact instant (which it should include). */
  title?: string;
}) {
  const clock = useListClock();
  const t = at === null || at === undefined || at === '' ? Number.NaN : new Date(at).getTime();
  if (Number.isNaN(t)) return <span className="muted">—</span>;
  const iso = new Date(t).toISOString();
  return (
    <time dateTime={iso} title={title ?? exactTime(t)} className={className ?? 'relative-time'}>
      {prefix ? `${prefix} ` : ''}
      {relativeTime(t, clock)}
    </time>
  );
}
