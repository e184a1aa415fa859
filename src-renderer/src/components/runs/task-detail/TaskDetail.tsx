import type { RefObject } from 'react';
import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/plain/run.ts';
import { quotaWaitUntil } from '../../../../../src-shared/schemas/plain/usage-limit.ts';
import { isCodingOutput } from '../../../../../src-shared/schemas/plain/workspace.ts';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { withCountdown } from '../../../format/limits.ts';
import { plural } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { stepsKey } from '../../../store/steps.ts';
import { taskSpecOf } from '../../../store/task-spec.ts';
import { TaskLanding } from '../../landing/RunLandings.tsx';
import { lazyRetry } from '../../shared/lazy-retry.ts';
import { statusPill } from '../../shared/status-label.ts';
import { Tabs } from '../../shared/Tabs.tsx';
import { useHumanIds } from '../../shared/use-human-ids.ts';
import { useNowWhile } from '../../shared/use-now.ts';
import { TaskAttempts } from '../TaskAttempts.tsx';
import { TaskLog } from '../TaskLog.tsx';
import { nextAttemptText } from '../task-attempts.ts';
import { AttemptNotices } from './AttemptNotices.tsx';
import { OutputView } from './OutputView.tsx';
import { SayToAgent } from './SayToAgent.tsx';
import { StepTrace } from './StepTrace.tsx';
import { TakeOver } from './TakeOver.tsx';
import { TaskActions } from './TaskActions.tsx';
import { TaskArtifacts } from './TaskArtifacts.tsx';
import { TaskFacts } from './TaskFacts.tsx';
import { TaskHistory } from './TaskHistory.tsx';
import { TurnControls } from './TurnControls.tsx';
import { WhyThisAgent } from './WhyThisAgent.tsx';

// The changes' diff viewer is loaded on first use, as the diff review's is.
const TaskChanges = lazyRetry(() => import('./TaskChanges.tsx').then((m) => ({ default: m.TaskChanges })));
// Both show diffs: the diff view and its syntax highlighting (highlight.js, ~850 kB) load with them.
const TaskTurns = lazyRetry(() => import('./TaskTurns.tsx').then((m) => ({ default: m.TaskTurns })));

/** The task panel's tabs, in the order they are shown. */
type Section = 'changes' | 'turns' | 'output' | 'steps' | 'log' | 'attempts' | 'why' | 'history';

/**
 * One task of a run, as Airflow's task instance and GitHub's check run show one: a header with
 * its status, agent, attempt, duration and what can be done with it (approve, reject, retry,
 * cancel, where they apply), then its sections as tabs (output and files, steps, log, attempts,
 * why this agent, history), the most useful one open: the log of a task that failed or runs, the
 * steps of an agent that thinks in turns, the output of one that is done. Each section is a small
 * component of this folder: a new one is one more tab here.
 */
export function TaskDetail({ task, run }: { task: TaskRun; run: Run }) {
  const detail = useBaton((s) => s.taskDetail);
  const select = useBaton((s) => s.selectRunTask);
  const spec = useTaskSpec(run, task.task_id);
  const ended = isTerminalTaskStatus(task.status);
  const now = useNowWhile(task.retry_at !== null || (!ended && task.started_at !== null), task.retry_at);
  const nextAttempt = nextAttemptText(task, spec, now);
  const waitsForQuota = quotaWaitUntil(task.reason) !== null;
  const box = useRef<HTMLElement>(null);
  const head = useRef<HTMLElement>(null);
  const close = useCallback(() => {
    // Focus inside the details would fall to the page: give it to the task in the graph or timeline.
    const hadFocus = box.current?.contains(document.activeElement) ?? false;
    void select(task.run_id, null);
    if (hadFocus) focusTask(task.task_id);
  }, [select, task.run_id, task.task_id]);
  useEscapeCloses(box, close);
  // Opened from the task table below it (or a graph card), the header comes into view: the panel
  // may be scrolled down to the table in a short window.
  useEffect(() => {
    head.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const m = task.match;
  // Agents that think in turns show their steps even before the first one arrives.
  const stepper = useBaton((s) => {
    const kind = s.agents.find((a) => a.id === task.agent_id)?.kind;
    return kind === 'coding' || kind === 'llm';
  });
  // A coding agent's turns are kept as checkpoints of its worktree (TaskTurns).
  const codingAgent = useBaton((s) => s.agents.find((a) => a.id === task.agent_id)?.kind === 'coding');
  const hasSteps = useBaton(
    (s) => Object.keys(s.steps[stepsKey(task.run_id, task.task_id)]?.book ?? {}).length > 0,
  );
  const hasOutput = task.output !== null && task.output !== undefined;
  const humans = useHumanIds();
  const pill = statusPill(task, humans);
  const files = detail?.artifacts.length ?? 0;
  // A coding task's changes are a view of their own (its branch, where it is, the diff), not a file.
  const coding = isCodingOutput(task.output) ? task.output : null;
  const sections: { id: Section; label: string }[] = [
    ...(coding
      ? [{ id: 'changes' as const, label: `Changes · ${plural(coding.files.length, 'file')}` }]
      : []),
    ...(codingAgent ? [{ id: 'turns' as const, label: 'Turns' }] : []),
    ...(hasOutput || files > 0
      ? [{ id: 'output' as const, label: files > 0 ? `Output · ${plural(files, 'file')}` : 'Output' }]
      : []),
    ...(stepper || hasSteps ? [{ id: 'steps' as const, label: 'Steps' }] : []),
    { id: 'log', label: 'Log' },
    ...(task.attempt >= 2 ? [{ id: 'attempts' as const, label: `Attempts (${task.attempt})` }] : []),
    ...(m ? [{ id: 'why' as const, label: 'Why this agent' }] : []),
    { id: 'history', label: 'History' },
  ];
  const [picked, setPicked] = useState<Section | null>(null);
  const fallback: Section =
    coding && task.status === 'done'
      ? 'changes'
      : stepper || hasSteps
        ? 'steps'
        : task.status === 'done' && (hasOutput || files > 0)
          ? 'output'
          : task.status === 'skipped' && m
            ? 'why'
            : 'log';
  const shown = picked && sections.some((x) => x.id === picked) ? picked : fallback;
  const panel = (id: Section) => ({
    role: 'tabpanel' as const,
    'aria-label': sections.find((x) => x.id === id)?.label,
    hidden: shown !== id,
    className: 'task-section',
  });
  return (
    <section className="task-detail" aria-label={`Task ${task.task_id} details`} ref={box}>
      <header className="task-head" ref={head}>
        <h2>
          {task.task_id} <span className={`pill ${pill.className}`}>{pill.label}</span>
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
      <TaskFacts task={task} spec={spec} now={now} nextAttempt={nextAttempt} />
      {/* A task waiting for quota is not failed: its reason says the limit, in the vendor's words. */}
      {task.error && !waitsForQuota && (
        <p className="task-error small" role="note" aria-label="Error">
          {task.error}
        </p>
      )}
      {/* A task waiting for a decision says why in its approval, below. */}
      {task.reason && task.status !== 'awaiting_approval' && (!task.error || waitsForQuota) && (
        <p className="small task-reason">{withCountdown(task.reason, now)}</p>
      )}
      <AttemptNotices lines={detail?.logs} />
      <TaskLanding run={run} task={task} />
      <TaskActions task={task} run={run} />
      <TakeOver task={task} />
      {stepper && <TurnControls task={task} />}
      {stepper && <SayToAgent task={task} />}
      <Tabs
        label={`Sections of ${task.task_id}`}
        items={sections}
        value={shown}
        onChange={setPicked}
        className="task-tabs"
      />
      {coding && (
        <div {...panel('changes')}>
          {shown === 'changes' && (
            <Suspense fallback={<p className="muted small">Loading…</p>}>
              <TaskChanges task={task} run={run} out={coding} artifacts={detail?.artifacts ?? []} />
            </Suspense>
          )}
        </div>
      )}
      {codingAgent && (
        <div {...panel('turns')}>
          {shown === 'turns' && (
            <Suspense fallback={<p className="muted small">Loading…</p>}>
              <TaskTurns task={task} />
            </Suspense>
          )}
        </div>
      )}
      {(hasOutput || files > 0) && (
        <div {...panel('output')}>
          {hasOutput && <OutputView value={task.output} taskId={task.task_id} />}
          {detail && <TaskArtifacts taskId={task.task_id} artifacts={detail.artifacts} />}
        </div>
      )}
      <div {...panel('steps')}>
        <StepTrace task={task} always={stepper} />
      </div>
      <div {...panel('log')}>
        {detail === null ? (
          <p className="muted small">Loading…</p>
        ) : detail.logs.length === 0 ? (
          <p className="muted small">Nothing logged.</p>
        ) : (
          <TaskLog lines={detail.logs} live={!ended} />
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
      </div>
      <div {...panel('attempts')}>
        <TaskAttempts task={task} />
      </div>
      {m && (
        <div {...panel('why')}>
          <WhyThisAgent match={m} />
        </div>
      )}
      <div {...panel('history')}>
        <TaskHistory task={task} open={shown === 'history'} />
      </div>
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
