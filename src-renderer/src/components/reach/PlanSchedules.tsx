import { useCallback, useEffect, useState } from 'react';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Schedule } from '../../../../src-shared/schemas/schedule.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { whenIn } from './field-errors.ts';
import { ScheduleForm } from './ScheduleForm.tsx';

const OVERLAP_WORDS = { skip: 'skip', queue_one: 'queue one', allow: 'allow' } as const;

/**
 * A plan's schedules (its Schedules tab): each cron expression with its time zone, inputs,
 * policies and next fire times in that zone; pause, resume, remove; and a form to add one.
 */
export function PlanSchedules({ stored }: { stored: StoredPlan }) {
  const planId = stored.plan_id;
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const load = useCallback(async () => {
    try {
      setSchedules(await api.listSchedules(planId));
    } catch (err) {
      setSchedules([]);
      fail('Could not list the schedules', err);
    }
  }, [planId, fail]);
  useEffect(() => {
    void load();
  }, [load]);
  const act = async (s: Schedule, what: 'pause' | 'resume' | 'remove') => {
    try {
      if (what === 'remove') {
        await api.removeSchedule(s.id);
        notify('info', `Removed schedule ${s.id}`);
      } else await api.setScheduleEnabled(s.id, what === 'resume');
      await load();
    } catch (err) {
      fail(
        `Schedule ${s.id} was not ${what === 'remove' ? 'removed' : what === 'pause' ? 'paused' : 'resumed'}`,
        err,
      );
    }
  };
  return (
    <div className="reach-tab">
      <p className="muted small intro">
        Baton starts a run of this plan at each time of a schedule, while the desktop app or{' '}
        <code>baton serve</code> runs (each fire once, audited). Missed fires after downtime follow the
        catch-up policy.
      </p>
      {schedules === null ? (
        <p className="muted">Loading…</p>
      ) : schedules.length === 0 ? (
        <p className="empty muted">No schedules for this plan yet. Add one below.</p>
      ) : (
        <table className="tasks schedules" aria-label="Schedules">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">When</th>
              <th scope="col">Inputs</th>
              <th scope="col">Policies</th>
              <th scope="col">Next fires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.id} aria-label={`Schedule ${s.id}`}>
                <th scope="row">
                  <div>{s.id}</div>
                  <span className={`pill ${s.enabled ? 'status-done' : 'status-ready'}`}>
                    {s.enabled ? 'active' : 'paused'}
                  </span>
                  {s.queued && <div className="muted small">a fire waits for run {s.last_run_id}</div>}
                </th>
                <td>
                  <code>{s.cron}</code>
                  <div className="muted small">{s.timezone}</div>
                </td>
                <td className="small">
                  {Object.keys(s.inputs).length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <code>{JSON.stringify(s.inputs)}</code>
                  )}
                </td>
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
                          <time dateTime={t}>{whenIn(t, s.timezone)}</time>
                        </li>
                      ))}
                    </ol>
                  )}
                  {s.last_run_id && <div className="muted">last run {s.last_run_id}</div>}
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    onClick={() => void act(s, s.enabled ? 'pause' : 'resume')}
                    aria-label={`${s.enabled ? 'Pause' : 'Resume'} ${s.id}`}
                  >
                    {s.enabled ? 'Pause' : 'Resume'}
                  </button>
                  <ConfirmButton
                    label={`Remove ${s.id}`}
                    question={`Remove schedule ${s.id}?`}
                    detail="No more runs are started by it. Runs it started stay."
                    yes="Remove"
                    no="Keep it"
                    danger
                    onConfirm={() => void act(s, 'remove')}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ScheduleForm stored={stored} onAdded={() => void load()} />
    </div>
  );
}
