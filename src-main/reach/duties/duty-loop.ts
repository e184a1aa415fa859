import { BackgroundWork } from '../../base/background.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { Db } from '../../store/db.ts';
import { DutyLease } from './duty-lease.ts';

/**
 * A duty that looks at its work on a timer and when woken, one look at a time, in the one process
 * holding its lease (the push and Slack channels): `step` is one look, called only while the lease
 * is held. A look that fails is logged once a streak and tried again at the next.
 */
export function createDutyLoop(o: {
  db: Db;
  name: string;
  owner: string;
  now: () => number;
  leaseTtlMs?: number | undefined;
  pollMs?: number | undefined;
  log?: ErrorLog | undefined;
  /** Whether there is anything to do: nothing taken, nothing written while not. */
  busy: () => boolean;
  step: (stillHeld: () => boolean) => Promise<void>;
}) {
  const lease = new DutyLease(o.db, o.name, o.owner, o.leaseTtlMs ?? 30_000);
  const looks = new BackgroundWork(`the ${o.name} duty`, o.log);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const held = () => !closed && lease.hold(o.now());

  function wake(): void {
    if (closed || timer === null) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      if (!o.busy() || !held()) return;
      await o.step(held);
    })()
      .then(
        () => looks.succeeded(),
        (err: unknown) => {
          if (!closed) looks.failed(err);
        },
      )
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          wake();
        }
      });
  }

  return {
    lease,
    wake,
    start(): void {
      if (timer || closed) return;
      timer = setInterval(wake, o.pollMs ?? 1_000);
      timer.unref();
      wake();
    },
    /** Waits for the look in progress (tests). */
    async settled(): Promise<void> {
      while (running) await running;
    },
    stop(): void {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      try {
        lease.letGo();
      } catch {
        // the store is closed already: the lease runs out by itself
      }
    },
  };
}
export type DutyLoop = ReturnType<typeof createDutyLoop>;
