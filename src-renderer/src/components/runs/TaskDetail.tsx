import type { RefObject } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { amount } from '../../format/budget.ts';
import { actorOf } from '../../store/identity.ts';
import { useBaton } from '../../store/index.ts';
import { taskSpecOf } from '../../store/task-spec.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { STATUS_LABEL } from '../shared/status-label.ts';
import { rejectedLines } from './rejected-lines.ts';
import { TaskAttempts } from './TaskAttempts.tsx';
import { TaskLog } from './TaskLog.tsx';
import { attemptText, nextAttemptText } from './task-attempts.ts';
import { useTaskRead } from './use-task-read.ts';

/** One task of a run: why this agent, what it did, what it left, and what you can do next. */
export function TaskDetail({ task, run }: { task: TaskRun; run: Run }) {
  const runFinished = run.status !== 'executing';
  const detail = useBaton((s) => s.taskDetail);
  const select = useBaton((s) => s.selectRunTask);
  const cancel = useBaton((s) => s.cancelTask);
  const actor = useBaton(actorOf);
  const rerun = useBaton((s) => s.rerunFrom);
  const spec = useTaskSpec(run, task.task_id);
  const now = useNowWhile(task.retry_at !== null);
  const nextAttempt = nextAttemptText(task, spec, now);
  const box = useRef<HTMLElement>(null);
  const close = useCallback(() => {
    // Focus inside the details would fall to the page: give it to the task in the graph or timeline.
    const hadFocus = box.current?.contains(document.activeElement) ?? false;
    void select(task.run_id, null);
    if (hadFocus) focusTask(task.task_id);
  }, [select, task.run_id, task.task_id]);
  useEscapeCloses(box, close);
  const ended = isTerminalTaskStatus(task.status);
  const m = task.match;
  return (
    <section className="task-detail" aria-label={`Task ${task.task_id} details`} ref={box}>
      <header className="run-head">
        <h2>
          {task.task_id} <span className={`pill status-${task.status}`}>{STATUS_LABEL[task.status]}</span>
        </h2>
        <button
          type="button"
          className="icon"
          aria-label="Close task details"
          title="Close (Esc)"
          onClick={close}
        >
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>Agent</dt>
        <dd>{task.agent_id ?? '—'}</dd>
        <dt>Attempt</dt>
        <dd>{attemptText(task, spec)}</dd>
        {nextAttempt && (
          <>
            <dt>Next attempt</dt>
            <dd>{nextAttempt}</dd>
          </>
        )}
        {task.progress !== null && (
          <>
            <dt>Progress</dt>
            <dd>
              {task.progress}% {task.progress_message}
            </dd>
          </>
        )}
        {task.cost > 0 && (
          <>
            <dt>Cost</dt>
            <dd>{task.cost}</dd>
          </>
        )}
        {task.reason && (
          <>
            <dt>Why</dt>
            <dd>{task.reason}</dd>
          </>
        )}
        {task.error && (
          <>
            <dt>Error</dt>
            <dd className="field-error">{task.error}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        {!ended && !runFinished && (
          <ConfirmButton
            label="Cancel task"
            question={`Cancel task ${task.task_id}?`}
            detail={`Its agent is stopped, and tasks that depend on it are skipped unless their condition accepts a cancelled task. The audit log records it as cancelled by ${actor}.`}
            yes="Yes, cancel the task"
            danger
            no="Keep the task"
            onConfirm={() => cancel(task.run_id, task.task_id)}
          />
        )}
        {runFinished && (
          <button type="button" onClick={() => rerun(task.run_id, task.task_id)}>
            {task.status === 'failed' ? 'Retry in a new run' : 'Re-run from here'}
          </button>
        )}
      </div>
      <TaskAttempts task={task} />
      {m && (
        <details open>
          <summary>Why this agent</summary>
          {m.score ? (
            <p className="small">
              {m.agent_id}: total {m.score.total} = 0.4 × skill fit {amount(m.score.skill_fit)} + 0.25 × free
              capacity {amount(m.score.free_capacity)} + 0.15 × cost {amount(m.score.cost)} + 0.2 × success
              rate {amount(m.score.success_rate)}
            </p>
          ) : (
            <p className="small muted">
              {m.agent_id ? `${m.agent_id} took it (pulled).` : 'No agent was chosen.'}
            </p>
          )}
          {m.rejected.length > 0 && (
            <ul className="small rejected" aria-label="Rejected agents">
              {rejectedLines(m.rejected).map((r) => (
                <li key={r.agent_id}>
                  <strong>{r.agent_id}</strong>: {r.reason}
                  {r.score && (
                    <span className="muted">
                      {' '}
                      · score {r.score.total}: skill fit {amount(r.score.skill_fit)}, free capacity{' '}
                      {amount(r.score.free_capacity)}, cost {amount(r.score.cost)}, success rate{' '}
                      {amount(r.score.success_rate)}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      {task.output !== null && task.output !== undefined && (
        <details>
          <summary>Output</summary>
          <pre>{JSON.stringify(task.output, null, 2)}</pre>
        </details>
      )}
      {detail && detail.progress.length > 0 && (
        <details>
          <summary>Progress history</summary>
          <ol className="small">
            {detail.progress.map((p) => (
              <li key={`${p.at}-${p.progress}`}>
                {new Date(p.at).toLocaleTimeString()} — {p.progress}% {p.message}
              </li>
            ))}
          </ol>
        </details>
      )}
      {detail && detail.artifacts.length > 0 && (
        <details open>
          <summary>Artifacts</summary>
          <ul className="small">
            {detail.artifacts.map((a) => (
              <li key={a.id}>
                <code>{a.name}</code> · {a.size} bytes · sha256 {a.sha256.slice(0, 12)}…
              </li>
            ))}
          </ul>
        </details>
      )}
      <TaskHistory task={task} />
      <details open>
        <summary>Log</summary>
        {detail === null ? (
          <p className="muted small">Loading…</p>
        ) : detail.logs.length === 0 ? (
          <p className="muted small">Nothing logged.</p>
        ) : (
          <TaskLog lines={detail.logs} live={!ended} />
        )}
      </details>
    </section>
  );
}

/** The task's definition in the plan version the run ran; loads that version when it is not the current one. */
function useTaskSpec(run: Run, taskId: string) {
  const spec = useBaton((s) => taskSpecOf(s, run, taskId));
  const stored = useBaton((s) => s.planDetails[run.plan_id]);
  const loadVersion = useBaton((s) => s.loadVersion);
  const otherVersion = stored !== undefined && stored.version !== run.plan_version;
  useEffect(() => {
    if (otherVersion && stored) void loadVersion(stored, run.plan_version);
  }, [otherVersion, stored, run.plan_version, loadVersion]);
  return spec;
}

/** The time now, every second while `ticking` (a countdown to the next attempt). */
function useNowWhile(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * Escape closes the details while the focus is in them, in the plan graph or in the timeline;
 * not while a dialog is open (Escape closes the dialog). Read before React Flow sees the key: a
 * focused node would otherwise unselect itself and drop the focus.
 */
function useEscapeCloses(box: RefObject<HTMLElement | null>, close: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const target = e.target instanceof Element ? e.target : null;
      if (!target || target.closest('dialog, [role="dialog"], [role="alertdialog"]')) return;
      if (!box.current?.contains(target) && !target.closest('.graph, .timeline')) return;
      e.preventDefault();
      e.stopPropagation();
      close();
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [box, close]);
}

/** Focuses the task's card in the graph, else its row in the timeline, when shown. */
function focusTask(taskId: string) {
  const id = CSS.escape(taskId);
  const target =
    document.querySelector<HTMLElement>(`.graph .react-flow__node[data-id="${id}"]`) ??
    [...document.querySelectorAll<HTMLElement>('.timeline .timeline-select')].find(
      (b) => b.textContent === taskId,
    );
  target?.focus();
}

/**
 * Every change of the task in this run, who made it and why (approvals with their comments):
 * read from the audit log when opened, and again when the task's status changes.
 */
function TaskHistory({ task }: { task: TaskRun }) {
  const [open, setOpen] = useState(false);
  const entries = useTaskRead(task, open, api.taskHistory, 'history');
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>History</summary>
      {entries === null ? (
        <p className="muted small">Loading…</p>
      ) : (
        <ol className="small history" aria-label={`History of ${task.task_id}`}>
          {entries.map((e) => (
            <li key={e.id}>
              <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>{' '}
              {e.entity === 'approval'
                ? e.to_status === 'pending'
                  ? 'approval asked'
                  : `approval ${e.to_status ?? ''}`
                : `${e.from_status ?? '—'} → ${e.to_status ?? '—'}`}{' '}
              by <strong>{e.actor}</strong>: {e.why}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
