import { useState } from 'react';
import type { TerminalAfter, TerminalChanges } from '../../../../../src-shared/contract/domains/terminals.ts';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { api } from '../../../api/client.ts';
import { errorText } from '../../../api/errors.ts';
import { plural } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { turnsChanged } from './TurnControls.tsx';

/**
 * After the terminal closed: what the person changed, committed as theirs on the task's branch
 * (unless they say not to), then the agent goes on, told what changed, or the task ends.
 */
export function TakeOverChoice({
  task,
  changes,
  ended,
  onDone,
}: {
  task: TaskRun;
  changes: TerminalChanges;
  /** Why the terminal ended by itself (the shell exited, the task ended), or null when the person closed it. */
  ended: string | null;
  onDone(): void;
}) {
  const notify = useBaton((s) => s.notify);
  const { terminal, files } = changes;
  const [commit, setCommit] = useState(files.length > 0);
  const [message, setMessage] = useState(`${terminal.by} took over ${task.task_id} in a terminal`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const over = isTerminalTaskStatus(task.status);
  const decide = async (after: TerminalAfter) => {
    setBusy(true);
    setError(null);
    try {
      const out = await api.commitTerminal({
        terminal_id: terminal.terminal_id,
        commit,
        after,
        ...(commit && message.trim() ? { message: message.trim() } : {}),
      });
      const committed = out.commit ? `Committed ${out.commit.slice(0, 8)} on ${terminal.branch}. ` : '';
      notify('info', `${committed}${out.said[0]?.toUpperCase()}${out.said.slice(1)}.`);
      turnsChanged(terminal.run_id, terminal.task_id);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="take-over-choice"
      aria-label="After the terminal"
      onSubmit={(e) => {
        e.preventDefault();
        void decide('go_on');
      }}
    >
      <h2>You closed the terminal</h2>
      {ended && <p className="small muted">It ended: {ended}.</p>}
      {changes.gone ? (
        <p role="alert">Nothing can be committed: {changes.gone}.</p>
      ) : files.length === 0 ? (
        <p>You changed nothing in the worktree.</p>
      ) : (
        <>
          <p>You changed {plural(files.length, 'file')} in the worktree:</p>
          <ul className="take-over-files" aria-label="Files you changed">
            {files.slice(0, 50).map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
            {files.length > 50 && <li className="muted">and {files.length - 50} more</li>}
          </ul>
          <label className="inline">
            <input type="checkbox" checked={commit} onChange={(e) => setCommit(e.target.checked)} />
            Commit them as yours on {terminal.branch}
          </label>
          {commit && (
            <label>
              Commit message
              <input
                type="text"
                value={message}
                maxLength={2000}
                onChange={(e) => setMessage(e.target.value)}
              />
            </label>
          )}
        </>
      )}
      {error && (
        <p className="task-error small" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {!over && (
          <button type="button" className="danger" disabled={busy} onClick={() => void decide('end_task')}>
            End the task
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {over ? 'Done' : 'Let the agent go on'}
        </button>
      </div>
      {!over && <p className="small muted">The agent is told what you changed.</p>}
    </form>
  );
}
