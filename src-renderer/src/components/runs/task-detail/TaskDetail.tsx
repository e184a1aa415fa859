import type { RefObject } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../../store/index.ts';
import { taskSpecOf } from '../../../store/task-spec.ts';
import { STATUS_LABEL } from '../../shared/status-label.ts';
import { ValueView } from '../../shared/ValueView.tsx';
import { TaskAttempts } from '../TaskAttempts.tsx';
import { TaskLog } from '../TaskLog.tsx';
import { attemptText, nextAttemptText } from '../task-attempts.ts';
import { StepTrace } from './StepTrace.tsx';
import { TaskActions } from './TaskActions.tsx';
import { TaskArtifacts } from './TaskArtifacts.tsx';
import { TaskHistory } from './TaskHistory.tsx';
import { WhyThisAgent } from './WhyThisAgent.tsx';

/**
 * One task of a run: what you can do with it, why this agent, what it did, what it left. Each
 * section is a small component of this folder: a new one (a coding agent's steps, its diff) is
 * one more line here.
 */
export function TaskDetail({ task, run }: { task: TaskRun; run: Run }) {
  const detail = useBaton((s) => s.taskDetail);
  const select = useBaton((s) => s.selectRunTask);
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
  // Agents that think in turns show their steps even before the first one arrives.
  const stepper = useBaton((s) => {
    const kind = s.agents.find((a) => a.id === task.agent_id)?.kind;
    return kind === 'coding' || kind === 'llm';
  });
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
        {/* A task waiting for a decision says why in its approval, below. */}
        {task.reason && task.status !== 'awaiting_approval' && (
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
      <TaskActions task={task} run={run} />
      {task.output !== null && task.output !== undefined && (
        <details open>
          <summary>Output</summary>
          <ValueView
            value={task.output}
            label={`Output of ${task.task_id}`}
            what={`the output of ${task.task_id}`}
          />
        </details>
      )}
      <StepTrace task={task} always={stepper} />
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
      {detail && <TaskArtifacts taskId={task.task_id} artifacts={detail.artifacts} />}
      <TaskAttempts task={task} />
      {m && <WhyThisAgent match={m} />}
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
