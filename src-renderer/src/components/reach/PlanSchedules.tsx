import { useMemo } from 'react';
import { scheduleInWords } from '../../../../src-shared/cron/cron-words.ts';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Schedule } from '../../../../src-shared/schemas/schedule.ts';
import { api } from '../../api/client.ts';
import { RemoveRowButton, RowsTable } from '../shared/RowsTable.tsx';
import { whenWithZone } from './field-errors.ts';
import { InputsCell, useReachList, useRowAction } from './reach-parts.tsx';
import { ScheduleForm } from './ScheduleForm.tsx';

const OVERLAP_WORDS = { skip: 'skip', queue_one: 'queue one', allow: 'allow' } as const;

/**
 * A plan's schedules (its Schedules tab): each in words ("Every weekday at 09:00, Paris time")
 * over its cron expression and time zone, inputs, policies and next fire times in that zone (its
 * offset on each); pause, resume, remove; and a form to add one.
 */
export function PlanSchedules({ stored }: { stored: StoredPlan }) {
  const planId = stored.plan_id;
  const all = useReachList('schedules');
  const schedules = useMemo(() => all?.filter((s) => s.plan_id === planId) ?? null, [all, planId]);
  const act = useRowAction();
  const pause = (s: Schedule, resume: boolean) =>
    void act(
      () => api.setScheduleEnabled(s.id, resume),
      `Schedule ${s.id} was not ${resume ? 'resumed' : 'paused'}`,
    );
  const remove = (s: Schedule) =>
    void act(() => api.removeSchedule(s.id), `Schedule ${s.id} was not removed`, {
      title: `Removed schedule ${s.id}`,
    });
  return (
    <div className="reach-tab">
      <p className="muted small intro">
        Baton starts a run of this plan at each time of a schedule, while the desktop app or{' '}
        <code>baton serve</code> runs (each fire once, audited). Missed fires after downtime follow the
        catch-up policy.
      </p>
      <RowsTable
        label="Schedules"
        className="schedules"
        columns={['Schedule', 'When', 'Inputs', 'Policies', 'Next fires']}
        rows={schedules}
        empty="No schedules for this plan yet. Add one below."
        rowKey={(s) => s.id}
        row={(s) => (
          <tr aria-label={`Schedule ${s.id}`}>
            <th scope="row">
              <div>{s.id}</div>
              <span className={`pill ${s.enabled ? 'status-done' : 'status-ready'}`}>
                {s.enabled ? 'active' : 'paused'}
              </span>
              {s.queued && <div className="muted small">a fire waits for run {s.last_run_id}</div>}
            </th>
            <td>
              <div>{scheduleInWords(s.cron, s.timezone)}</div>
              <code className="muted small">{s.cron}</code> <span className="muted small">{s.timezone}</span>
            </td>
            <InputsCell inputs={s.inputs} />
            <td className="small">
              overlap: {OVERLAP_WORDS[s.overlap]}
              <br />
              catch-up: {s.catch_up === 'all' ? `all, up to ${s.catch_up_max}` : s.catch_up}
            </td>
            <td className="small">
              {!s.enabled ? (
                <span className="muted">paused</span>
              ) : s.next_fires.length === 0 ? (
                <span className="muted">never again</span>
              ) : (
                <ol className="fire-times" aria-label={`Next fires of ${s.id}`}>
                  {s.next_fires.slice(0, 3).map((t) => (
                    <li key={t}>
                      <time dateTime={t}>{whenWithZone(t, s.timezone)}</time>
                    </li>
                  ))}
                </ol>
              )}
              {s.last_run_id && <div className="muted">last run {s.last_run_id}</div>}
            </td>
            <td className="row-actions">
              <button
                type="button"
                onClick={() => pause(s, !s.enabled)}
                aria-label={`${s.enabled ? 'Pause' : 'Resume'} ${s.id}`}
              >
                {s.enabled ? 'Pause' : 'Resume'}
              </button>
              <RemoveRowButton
                what="schedule"
                name={s.id}
                detail="No more runs are started by it. Runs it started stay."
                onConfirm={() => remove(s)}
              />
            </td>
          </tr>
        )}
      />
      <ScheduleForm stored={stored} />
    </div>
  );
}
