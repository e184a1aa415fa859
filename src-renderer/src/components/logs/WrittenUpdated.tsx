import { exactTime, relativeTime } from '../../format/relative-time.ts';
import { RelativeTime, useListClock } from '../shared/RelativeTime.tsx';

/**
 * When a memory entry was written and, if the words differ, last updated: "written 5 min ago ·
 * updated just now". An entry updated within the same minute as it was written says it once
 * ("written just now"), its update's exact time in the title beside the writing's.
 */
export function WrittenUpdated({ created, updated }: { created: string; updated: string }) {
  const clock = useListClock();
  const same = created === updated || relativeTime(created, clock) === relativeTime(updated, clock);
  if (same)
    return (
      <RelativeTime
        at={created}
        prefix="written"
        title={created === updated ? undefined : `${exactTime(created)}; updated ${exactTime(updated)}`}
      />
    );
  return (
    <>
      <RelativeTime at={created} prefix="written" />
      {' · '}
      <RelativeTime at={updated} prefix="updated" />
    </>
  );
}
