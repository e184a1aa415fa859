import type { CatchUpPolicy, OverlapPolicy, Schedule } from '../../../src-shared/schemas/schedule.ts';
import type { Db } from '../../store/db.ts';

interface ScheduleRow {
  id: string;
  plan_id: string;
  cron: string;
  timezone: string;
  inputs: string;
  overlap: string;
  catch_up: string;
  catch_up_max: number;
  enabled: number;
  next_fire_at: number | null;
  queued: number;
  last_run_id: string | null;
  created_at: string;
  pending_starts: number;
  pending_fire_at: number | null;
}

/**
 * A schedule as stored: times in ms; `next_fires` is the handlers' to add. `pending_starts`: runs
 * a look decided to start and not yet started (a process died in between), for the fire of
 * `pending_fire_at` (migration 010).
 */
export type StoredSchedule = Omit<Schedule, 'next_fire_at' | 'next_fires'> & {
  next_fire_at: number | null;
  pending_starts: number;
  pending_fire_at: number | null;
};

function toSchedule(r: ScheduleRow): StoredSchedule {
  return {
    id: r.id,
    plan_id: r.plan_id,
    cron: r.cron,
    timezone: r.timezone,
    inputs: JSON.parse(r.inputs) as Record<string, unknown>,
    overlap: r.overlap as OverlapPolicy,
    catch_up: r.catch_up as CatchUpPolicy,
    catch_up_max: r.catch_up_max,
    enabled: r.enabled === 1,
    next_fire_at: r.next_fire_at,
    queued: r.queued === 1,
    last_run_id: r.last_run_id,
    created_at: r.created_at,
    pending_starts: r.pending_starts,
    pending_fire_at: r.pending_fire_at,
  };
}

/** Schedules (migration 008). */
export function createSchedulesRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO schedules
    (id, plan_id, cron, timezone, inputs, overlap, catch_up, catch_up_max, enabled, next_fire_at, queued, created_at)
    VALUES (@id, @plan_id, @cron, @timezone, @inputs, @overlap, @catch_up, @catch_up_max, 1, @next_fire_at, 0, @created_at)`);
  const all = db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY plan_id, created_at, id');
  const one = db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ?');
  const remove = db.prepare('DELETE FROM schedules WHERE id = ?');
  const due = db.prepare<[number], ScheduleRow>(
    'SELECT * FROM schedules WHERE (enabled = 1 AND (next_fire_at <= ? OR queued = 1)) OR pending_starts > 0 ORDER BY next_fire_at',
  );
  // Compare-and-swap: only the look that saw this schedule's state moves it on, and counts the
  // runs it decided to start.
  const advance = db.prepare(`UPDATE schedules SET next_fire_at = @next, queued = @queued,
      pending_starts = pending_starts + @starts,
      pending_fire_at = CASE WHEN @starts > 0 THEN @fire_at ELSE pending_fire_at END
    WHERE id = @id AND next_fire_at IS @seen_next AND queued = @seen_queued`);
  // One pending start taken, with the run it started (in that run's own transaction).
  const takeStart = db.prepare(`UPDATE schedules SET pending_starts = pending_starts - 1,
      last_run_id = coalesce(@run_id, last_run_id)
    WHERE id = @id AND pending_starts > 0`);
  const setEnabled = db.prepare(
    'UPDATE schedules SET enabled = @enabled, next_fire_at = @next, queued = 0 WHERE id = @id',
  );
  const anyEnabled = db
    .prepare<[], number>('SELECT EXISTS (SELECT 1 FROM schedules WHERE enabled = 1 OR pending_starts > 0)')
    .pluck();
  return {
    insert(
      s: Omit<StoredSchedule, 'enabled' | 'queued' | 'last_run_id' | 'pending_starts' | 'pending_fire_at'>,
    ): void {
      insert.run({ ...s, inputs: JSON.stringify(s.inputs) });
    },
    list: (): StoredSchedule[] => all.all().map(toSchedule),
    get: (id: string): StoredSchedule | undefined => {
      const r = one.get(id);
      return r ? toSchedule(r) : undefined;
    },
    remove: (id: string): boolean => remove.run(id).changes > 0,
    anyEnabled: (): boolean => anyEnabled.get() === 1,
    setEnabled(id: string, enabled: boolean, next: number | null): boolean {
      return setEnabled.run({ id, enabled: enabled ? 1 : 0, next }).changes > 0;
    },
    /** Enabled schedules whose fire time has come or with a fire queued behind a run; any with starts pending. */
    due: (now: number): StoredSchedule[] => due.all(now).map(toSchedule),
    advance(a: {
      id: string;
      seen_next: number | null;
      seen_queued: boolean;
      next: number | null;
      queued: boolean;
      /** Runs to start for the fire of `fire_at`. */
      starts: number;
      fire_at: number;
    }) {
      return (
        advance.run({
          id: a.id,
          seen_next: a.seen_next,
          seen_queued: a.seen_queued ? 1 : 0,
          next: a.next,
          queued: a.queued ? 1 : 0,
          starts: a.starts,
          fire_at: a.fire_at,
        }).changes > 0
      );
    },
    /**
     * Takes one pending start: with the run it started (call it in that run's transaction), or
     * null for one that could not start. False when none is left (another look took it).
     */
    takeStart(id: string, runId: string | null): boolean {
      return takeStart.run({ id, run_id: runId }).changes > 0;
    },
  };
}
export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>;
