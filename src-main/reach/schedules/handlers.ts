import { actorOfCall } from '../../../src-shared/contract/caller.ts';
import type { ScheduleHandlers } from '../../../src-shared/contract/domains/schedules.ts';
import type { AuditChange } from '../../../src-shared/schemas/memory.ts';
import type { Schedule } from '../../../src-shared/schemas/schedule.ts';
import { fieldChanges } from '../../base/config-audit.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import { randomIds } from '../../engine/clock.ts';
import { checkedRunInputs } from '../../engine/run-inputs.ts';
import type { Store } from '../../store/store.ts';
import { nextFire, nextFires, parseCron } from './cron.ts';
import type { StoredSchedule } from './repo.ts';
import type { Scheduler } from './scheduler.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A schedule as listed (and told to clients): its next few fire times, not the scheduler's own state. */
export function shownSchedule(s: StoredSchedule): Schedule {
  let upcoming: number[] = [];
  try {
    const cron = parseCron(s.cron, s.timezone);
    upcoming = s.next_fire_at === null ? [] : [s.next_fire_at, ...nextFires(cron, s.next_fire_at, 4)];
  } catch {
    // stored before a library change made it invalid: shown without fire times
  }
  // What starts are pending is the scheduler's business, not the list's.
  const { pending_starts: _starts, pending_fire_at: _fireAt, ...shownFields } = s;
  return {
    ...shownFields,
    next_fire_at: s.next_fire_at === null ? null : iso(s.next_fire_at),
    next_fires: upcoming.map(iso),
  };
}

export function scheduleHandlers(deps: {
  scheduler: Scheduler;
  store: Store;
  now: () => number;
  audit: (e: { entity_id: string; to: string; why: string; actor: string; changes: AuditChange[] }) => void;
}): ScheduleHandlers {
  /** What people set of a schedule, as its audit entries compare it. */
  const settings = (
    s: Pick<
      StoredSchedule,
      'plan_id' | 'cron' | 'timezone' | 'inputs' | 'overlap' | 'catch_up' | 'catch_up_max'
    >,
  ) => ({
    plan_id: s.plan_id,
    cron: s.cron,
    timezone: s.timezone,
    inputs: s.inputs,
    overlap: s.overlap,
    catch_up: s.catch_up,
    catch_up_max: s.catch_up_max,
  });
  const { repo } = deps.scheduler;
  return {
    'schedules.list': ({ plan_id }) =>
      repo
        .list()
        .filter((s) => plan_id === undefined || s.plan_id === plan_id)
        .map(shownSchedule),
    'schedules.add': (input, call) => {
      const id = input.id ?? randomIds.next('sch');
      if (repo.get(id)) throw new AppError('conflict', `schedule "${id}" already exists`);
      const plan = deps.store.plans.get(input.plan_id);
      if (!plan) {
        throw invalidInput('schedule', [{ path: 'plan_id', message: `plan "${input.plan_id}" not found` }]);
      }
      const cron = parseCron(input.cron, input.timezone);
      checkedRunInputs(plan.plan, input.inputs);
      const now = deps.now();
      const next = nextFire(cron, now);
      if (next === null)
        throw invalidInput('schedule', [{ path: 'cron', message: 'never fires from now on' }]);
      repo.insert({
        id,
        plan_id: input.plan_id,
        cron: input.cron,
        timezone: input.timezone,
        inputs: input.inputs,
        overlap: input.overlap,
        catch_up: input.catch_up,
        catch_up_max: input.catch_up_max,
        next_fire_at: next,
        created_at: iso(now),
      });
      deps.audit({
        entity_id: id,
        to: 'active',
        why: `schedule "${input.cron}" (${input.timezone}) for plan "${input.plan_id}", next at ${iso(next)}`,
        actor: actorOfCall(null, call),
        changes: fieldChanges(undefined, settings(input)).changes,
      });
      return shownSchedule(repo.get(id)!);
    },
    'schedules.remove': ({ schedule_id }, call) => {
      const before = repo.get(schedule_id);
      const removed = repo.remove(schedule_id);
      if (removed && before)
        deps.audit({
          entity_id: schedule_id,
          to: 'removed',
          why: `schedule "${before.cron}" of plan "${before.plan_id}" removed`,
          actor: actorOfCall(null, call),
          changes: fieldChanges(settings(before), undefined).changes,
        });
      return { removed };
    },
    'schedules.setEnabled': ({ schedule_id, enabled }, call) => {
      const s = repo.get(schedule_id);
      if (!s) throw new AppError('not_found', `schedule "${schedule_id}" not found`);
      const next = enabled ? nextFire(parseCron(s.cron, s.timezone), deps.now()) : s.next_fire_at;
      repo.setEnabled(schedule_id, enabled, next);
      deps.audit({
        entity_id: schedule_id,
        to: enabled ? 'active' : 'paused',
        why: enabled ? 'schedule resumed' : 'schedule paused',
        actor: actorOfCall(null, call),
        changes:
          s.enabled === enabled ? [] : [{ field: 'enabled', from: String(s.enabled), to: String(enabled) }],
      });
      return shownSchedule(repo.get(schedule_id)!);
    },
    'schedules.preview': ({ cron, timezone, count }) => ({
      next_fires: nextFires(parseCron(cron, timezone), deps.now(), count).map(iso),
    }),
  };
}
