import { useEffect, useRef, useState } from 'react';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type { TurnControl, TurnState } from '../../../../../src-shared/steering.ts';
import { api } from '../../../api/client.ts';
import { errorText } from '../../../api/errors.ts';
import { taskWatchers } from '../../../api/task-watchers.ts';
import { useBaton } from '../../../store/index.ts';
import { stepsKey } from '../../../store/steps.ts';

/** The task as the controls need it (the task panel's, or an approval's in the inbox). */
type TurnTask = Pick<TaskRun, 'run_id' | 'task_id' | 'status' | 'attempt'>;

const LABEL: Record<TurnControl, string> = {
  interrupt: 'Stop this turn',
  pause: 'Pause',
  resume: 'Resume',
};

/**
 * Stop this turn, Pause and Resume of the task's running coding agent (`runs.interrupt`,
 * `runs.pause`, `runs.resume`), beside the Say box and on a tool call's card in the inbox; shown while its turn can be stopped or a person
 * holds it (`runs.turns`, asked when the panel opens, when the task's status or attempt changes and
 * as its steps arrive). A paused task says who paused it; a refusal shows in the host's words.
 */
export function TurnControls({ task }: { task: TurnTask }) {
  const [state, setState, askAgain] = useTurns(task);
  const requireIdentity = useBaton((s) => s.requireIdentity);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new status or attempt starts afresh
  useEffect(() => setError(null), [task.status, task.attempt]);
  if (!state || (state.held === null && !state.can_stop && error === null)) return null;
  const act = async (control: TurnControl) => {
    const me = await requireIdentity(`${LABEL[control]}: ${task.task_id}`);
    if (!me) return;
    setBusy(true);
    setError(null);
    try {
      setState(await api.controlTurn(control, task.run_id, task.task_id, me.name));
    } catch (err) {
      setError(errorText(err));
      askAgain();
    } finally {
      setBusy(false);
    }
  };
  const shown: TurnControl[] =
    state.kept_by !== null
      ? []
      : state.held === 'paused'
        ? ['resume']
        : state.held === 'stopped'
          ? ['pause', 'resume']
          : state.can_stop
            ? ['interrupt', 'pause']
            : [];
  return (
    <section className="turn-controls" aria-label={`The turns of ${task.task_id}'s agent`}>
      <div className="turn-row">
        {shown.map((c) => (
          <button key={c} type="button" disabled={busy} onClick={() => void act(c)}>
            {LABEL[c]}
          </button>
        ))}
        <p className="small muted turn-state" role="status">
          {stateText(state)}
        </p>
      </div>
      {error && (
        <p className="field-error small say-note" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function stateText(s: TurnState): string {
  if (s.kept_by !== null) return `Held by ${s.kept_by}.`;
  switch (s.held) {
    case 'paused':
      return `Paused by ${s.by ?? 'a person'}${s.since ? ` at ${new Date(s.since).toLocaleTimeString()}` : ''}: no next turn until Resume.`;
    case 'stopped':
      return 'Turn stopped: the agent waits for your message or Resume.';
    case null:
      return 'Its turn is running.';
  }
}

/** Who asks `runs.turns` again for a task: the controls shown for it now. */
const askers = taskWatchers();

/**
 * Has the task's controls ask `runs.turns` again: this page held or let go its agent by other means
 * than the controls (a terminal opened over it, or closed), which no step of the agent may say soon.
 */
export function turnsChanged(runId: string, taskId: string): void {
  askers.tell(runId, taskId);
}

/** `runs.turns` for the task now (null until answered or while it does not run), set by an answer, asked again. */
export function useTurns(task: TurnTask): [TurnState | null, (s: TurnState) => void, () => void] {
  const [again, setAgain] = useState(0);
  const [state, setState] = useState<TurnState | null>(null);
  const steps = useBaton((s) => Object.keys(s.steps[stepsKey(task.run_id, task.task_id)]?.book ?? {}).length);
  const asked = useRef(0);
  const { run_id, task_id, status, attempt } = task;
  useEffect(() => askers.watch(run_id, task_id, () => setAgain((n) => n + 1)), [run_id, task_id]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt, or a step of it, is asked again
  useEffect(() => {
    const ask = ++asked.current;
    if (status !== 'in_progress') {
      setState(null);
      return;
    }
    api.turns(run_id, task_id).then(
      (s) => ask === asked.current && setState(s),
      () => ask === asked.current && setState(null),
    );
  }, [run_id, task_id, status, attempt, steps, again]);
  return [
    state,
    (s) => {
      asked.current++;
      setState(s);
    },
    () => setAgain((n) => n + 1),
  ];
}
