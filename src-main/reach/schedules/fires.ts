import type { Cron } from 'croner';
import { nextFire } from './cron.ts';
import type { StoredSchedule } from './repo.ts';

/** Most fire times walked in one look (an every-second schedule after a month away). */
const MAX_WALK = 10_000;

/** What one look at a due schedule decides, before anything is started. */
export interface FireDecision {
  /** The fire times that came (in order), and those of them that start a run now. */
  due: number[];
  starts: number;
  /** Fires left out by the catch-up policy, and by the overlap policy. */
  missed: number;
  overlapped: number;
  /** A fire waits behind the schedule's last run (overlap `queue_one`). */
  queued: boolean;
  /** When it fires next: the first time after now, or null. */
  next: number | null;
}

/**
 * Which fires of a schedule start runs now. A fire is on time when it came less than `graceMs`
 * ago; older ones were missed while no Baton looked (downtime), and the catch-up policy says
 * which of them still start a run: `none` (on-time fires only), `latest` (the last fire, on time
 * or not), `all` (the last `catch_up_max`). Then the overlap policy, for each: while the
 * schedule's last run executes, `skip` drops the fire, `queue_one` keeps one to start when that
 * run ends, `allow` starts it anyway.
 */
export function decideFires(
  s: StoredSchedule,
  cron: Cron,
  now: number,
  lastRunExecuting: boolean,
  graceMs: number,
): FireDecision {
  const due: number[] = [];
  let t = s.next_fire_at;
  while (t !== null && t <= now && due.length < MAX_WALK) {
    due.push(t);
    t = nextFire(cron, t);
  }
  const next = t !== null && t <= now ? nextFire(cron, now) : t;
  let fire: number[];
  if (s.catch_up === 'none') fire = due.filter((x) => now - x <= graceMs);
  else if (s.catch_up === 'latest') fire = due.slice(-1);
  else fire = due.slice(-s.catch_up_max);
  let running = lastRunExecuting;
  let queued = s.queued;
  let starts = 0;
  let overlapped = 0;
  if (queued && !running) {
    starts++;
    queued = false;
    running = true;
  }
  for (const _ of fire) {
    if (!running || s.overlap === 'allow') {
      starts++;
      running = true;
    } else if (s.overlap === 'queue_one' && !queued) queued = true;
    else overlapped++;
  }
  return { due, starts, missed: due.length - fire.length, overlapped, queued, next };
}
