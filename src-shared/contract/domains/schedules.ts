import { z } from 'zod';
import type { Schedule } from '../../schemas/schedule.ts';
import { scheduleInputSchema } from '../../schemas/schedule.ts';
import { byId } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Schedules: a plan's runs started by a cron expression in a time zone. Only the app
 * and `baton serve` fire them (one process, each fire once); every fire is in the audit log.
 */
export const scheduleMethods = {
  /** Every schedule (or one plan's), each with its next fire times. */
  'schedules.list': method(z.strictObject({ plan_id: z.string().min(1).max(200).optional() })).returns<
    Schedule[]
  >(),
  /**
   * Adds a schedule. Refused naming the field: an unknown plan (`plan_id`), a bad expression
   * (`cron`) or zone (`timezone`), inputs the plan does not take (`inputs.<name>`). An id already
   * taken is a `conflict`.
   */
  'schedules.add': method(scheduleInputSchema).returns<Schedule>(),
  'schedules.remove': method(byId('schedule_id')).returns<{ removed: boolean }>(),
  /**
   * Pauses or resumes a schedule. Resumed, it fires next at its first time from now: what it
   * would have fired while paused is not caught up.
   */
  'schedules.setEnabled': method(byId('schedule_id').extend({ enabled: z.boolean() })).returns<Schedule>(),
  /** When an expression would fire next in a zone, without saving anything (the designer's preview). */
  'schedules.preview': method(
    z.strictObject({
      cron: z.string().trim().min(1).max(200),
      timezone: z.string().min(1).max(100).default('UTC'),
      count: z.number().int().min(1).max(50).default(5),
    }),
  ).returns<{ next_fires: string[] }>(),
};

export type ScheduleHandlers = HandlersOf<typeof scheduleMethods>;
