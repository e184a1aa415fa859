import { useEffect, useMemo, useState } from 'react';
import type { Checkpoint, CheckpointDiff } from '../../../../../src-shared/schemas/checkpoint.ts';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { api } from '../../../api/client.ts';
import { errorText } from '../../../api/errors.ts';
import { splitUnifiedDiff } from '../../../approvals/diff-review.ts';
import { reviewFiles } from '../../../approvals/review-files.ts';
import { plural } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { ChangedFiles } from '../../approvals/diff/ChangedFiles.tsx';
import { DiffPane } from '../../approvals/diff/DiffPane.tsx';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { useTurns } from './TurnControls.tsx';

const NO_COMMENTS: never[] = [];

type Read<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

const turnName = (c: Pick<Checkpoint, 'turn'>) => (c.turn === 0 ? 'Start' : `Turn ${c.turn}`);

/**
 * A coding task's turns (docs/checkpoints.md): its worktree as Baton kept it after each turn of
 * its agent that changed files, by attempt, each with its time and how many files it changed; a
 * turn's diff against the one before; and *Revert to this turn*, after a yes, which puts the
 * worktree's files back exactly as they were then. A revert is offered only while no turn runs (it
 * may be writing): while its agent is held between turns (told in its next turn what was undone),
 * or once the attempt failed, was stopped or waits for its review (the next attempt is told).
 */
export function TaskTurns({ task }: { task: TaskRun }) {
  const requireIdentity = useBaton((s) => s.requireIdentity);
  // A checkpoint kept while the panel is open is a line of the task's log: the list is read again.
  const kept = useBaton(
    (s) => s.taskDetail?.logs.filter((l) => l.text.startsWith('checkpoint:')).length ?? 0,
  );
  const [list, setList] = useState<Read<Checkpoint[]>>({ state: 'loading' });
  const [picked, setPicked] = useState<{ attempt: number; turn: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [again, setAgain] = useState(0);
  const running = task.status === 'in_progress';
  // A running attempt's worktree is quiet while its agent is held between turns (paused, or its turn stopped and ended).
  const [held] = useTurns(task);
  const quiet = !running || held?.between_turns === true;
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the task moves on or a turn is kept
  useEffect(() => {
    let live = true;
    api.checkpoints(task.run_id, task.task_id).then(
      (value) => live && setList({ state: 'ready', value }),
      (err: unknown) => live && setList({ state: 'error', message: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [task.run_id, task.task_id, task.status, task.attempt, kept, again]);
  if (list.state === 'loading') return <p className="muted small">Reading the turns…</p>;
  if (list.state === 'error')
    return <p className="field-error small">The turns could not be read: {list.message}</p>;
  const turns = list.value;
  if (turns.length === 0)
    return (
      <p className="muted small">
        No turn kept yet: Baton keeps the worktree after each turn of the agent that changes files.
      </p>
    );
  const attempts = [...new Set(turns.map((c) => c.attempt))];
  const shown = picked ?? lastTurn(turns);
  const revert = async (c: Checkpoint) => {
    const me = await requireIdentity(`Reverting ${task.task_id} to ${turnName(c).toLowerCase()}`);
    if (!me) return;
    setFailed(null);
    setDone(null);
    try {
      const r = await api.revertToTurn(task.run_id, task.task_id, c.attempt, c.turn, me.name);
      setDone(`${r.note} ${r.then}`);
      setAgain((n) => n + 1);
    } catch (err) {
      setFailed(errorText(err));
    }
  };
  return (
    <div className="task-turns">
      <p className="muted small">
        The worktree after each turn of the agent that changed files, kept by Baton on private refs of the
        task's branch.{' '}
        {!running
          ? 'A revert puts every file back as it was then; request changes or retry to go on from there.'
          : quiet
            ? 'Its agent is held between turns: a revert puts every file back as it was then, and the agent is told what was undone in its next turn.'
            : held?.held
              ? 'Its stopped turn is winding down: a revert is offered once it has ended.'
              : held?.can_stop
                ? 'Pause the agent to revert: its turn may be writing now.'
                : 'A revert waits until the attempt has ended: its agent may be writing now.'}
      </p>
      {done && (
        <p className="notice small" role="status">
          {done}
        </p>
      )}
      {failed && (
        <p className="field-error small" role="alert">
          {failed}
        </p>
      )}
      {attempts.map((attempt) => (
        <section key={attempt} aria-label={`Turns of attempt ${attempt}`}>
          {attempts.length > 1 && <h4 className="small">Attempt {attempt}</h4>}
          <ol className="turn-list">
            {turns
              .filter((c) => c.attempt === attempt)
              .map((c) => {
                const isShown = shown?.attempt === c.attempt && shown.turn === c.turn;
                const name = turnName(c);
                return (
                  <li key={c.turn} className={isShown ? 'turn-row picked' : 'turn-row'}>
                    <button
                      type="button"
                      className="link turn-pick"
                      aria-pressed={isShown}
                      aria-label={`${name} of attempt ${c.attempt}: show its diff`}
                      onClick={() => setPicked({ attempt: c.attempt, turn: c.turn })}
                    >
                      <strong>{name}</strong>
                    </button>
                    <span className="muted small">
                      {new Date(c.at).toLocaleTimeString()} ·{' '}
                      {c.turn === 0 ? 'as the attempt found it' : `${plural(c.files, 'file')} changed`}
                    </span>
                    {quiet && (
                      <ConfirmButton
                        label="Revert to this turn"
                        name={`Revert to ${name.toLowerCase()} of attempt ${c.attempt}`}
                        question={`Revert ${task.task_id} to ${name.toLowerCase()} of attempt ${c.attempt}?`}
                        detail={`Every file of the worktree goes back to how it was ${c.turn === 0 ? 'when the attempt started' : `after turn ${c.turn}`}: files changed since are written back, files made since are deleted (ignored files stay). The branch's commits stay; ${running ? 'the agent is told what was undone in its next turn, once you let it go on' : 'the next attempt is told what was undone'}.`}
                        yes="Revert"
                        no="Keep the files"
                        danger
                        onConfirm={() => void revert(c)}
                      />
                    )}
                  </li>
                );
              })}
          </ol>
        </section>
      ))}
      {shown && <TurnDiff task={task} attempt={shown.attempt} turn={shown.turn} />}
    </div>
  );
}

function lastTurn(turns: readonly Checkpoint[]): { attempt: number; turn: number } | null {
  const last = turns.findLast((c) => c.turn > 0) ?? turns.at(-1);
  return last ? { attempt: last.attempt, turn: last.turn } : null;
}

/** One turn's diff against the turn before: its files listed, one shown at a time, read only. */
function TurnDiff({ task, attempt, turn }: { task: TaskRun; attempt: number; turn: number }) {
  const [read, setRead] = useState<Read<CheckpointDiff>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setRead({ state: 'loading' });
    api.checkpointDiff(task.run_id, task.task_id, attempt, turn).then(
      (value) => live && setRead({ state: 'ready', value }),
      (err: unknown) => live && setRead({ state: 'error', message: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [task.run_id, task.task_id, attempt, turn]);
  const list = useMemo(
    () => (read.state === 'ready' ? reviewFiles(read.value.files, splitUnifiedDiff(read.value.patch)) : []),
    [read],
  );
  const [picked, setPicked] = useState<string | null>(null);
  const label = `Diff of ${turnName({ turn }).toLowerCase()}`;
  if (read.state === 'loading') return <p className="muted small">Reading the diff…</p>;
  if (read.state === 'error')
    return <p className="field-error small">The diff could not be read: {read.message}</p>;
  const d = read.value;
  const file = list.find((f) => f.path === picked) ?? list[0];
  return (
    <section className="turn-diff" aria-label={label}>
      <p className="small">
        {turn === 0 ? 'Start' : `Turn ${turn}`} of attempt {attempt}: {plural(d.files.length, 'file')},{' '}
        <span className="review-add">+{d.additions}</span> <span className="review-del">−{d.deletions}</span>
        {turn === 0 ? ' against the branch then' : ' against the turn before'}
      </p>
      {d.truncated_note && <p className="notice small">{d.truncated_note}</p>}
      {file ? (
        <div className="diff-body task-diff">
          <ChangedFiles files={list} picked={file} onPick={setPicked} comments={NO_COMMENTS} />
          <DiffPane file={file} viewed="unviewed" comments={NO_COMMENTS} onRemove={() => {}} />
        </div>
      ) : (
        <p className="muted small">No file changed.</p>
      )}
    </section>
  );
}
