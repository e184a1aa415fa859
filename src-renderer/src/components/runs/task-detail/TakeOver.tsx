import { Suspense, useEffect, useRef, useState } from 'react';
import type { TerminalChanges, TerminalView } from '../../../../../src-shared/contract/domains/terminals.ts';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { api } from '../../../api/client.ts';
import { watchTaskTerminal } from '../../../api/terminal-watch.ts';
import { useBaton } from '../../../store/index.ts';
import { lazyRetry } from '../../shared/lazy-retry.ts';
import { TakeOverChoice } from './TakeOverChoice.tsx';
import { turnsChanged } from './TurnControls.tsx';

// xterm.js is loaded when a terminal first opens, not with the page.
const TerminalPane = lazyRetry(() => import('./TerminalPane.tsx'));

type Stage =
  | { at: 'idle' }
  | { at: 'open'; terminal: TerminalView }
  | { at: 'closing'; terminal: TerminalView }
  | { at: 'choose'; changes: TerminalChanges; ended: string | null };

/**
 * *Take over*: a terminal in a coding task's worktree, in its agent's OS sandbox, for a person to
 * type in (docs/take-over.md). Offered on a coding task whose worktree is on disk. It opens full size over the page, saying that the agent is held while the person types;
 * closing it says what they changed and asks what next (`TakeOverChoice`).
 */
export function TakeOver({ task }: { task: TaskRun }) {
  const session = useBaton((s) => s.sessions[task.run_id]?.find((x) => x.task_id === task.task_id));
  const loaded = useBaton((s) => s.sessions[task.run_id] !== undefined);
  const loadSessions = useBaton((s) => s.loadSessions);
  const coding = useBaton((s) => s.agents.find((a) => a.id === task.agent_id)?.kind === 'coding');
  useEffect(() => {
    if (coding && !loaded) void loadSessions(task.run_id);
  }, [coding, loaded, loadSessions, task.run_id]);
  if (!coding || !session || session.state === 'removed') return null;
  return <TakeOverPanel task={task} />;
}

/** The button and the terminal's dialog of a task whose worktree is there. */
function TakeOverPanel({ task }: { task: TaskRun }) {
  const requireIdentity = useBaton((s) => s.requireIdentity);
  const myName = useBaton((s) => s.identity?.name ?? null);
  const fail = useBaton((s) => s.fail);
  const [stage, setStage] = useState<Stage>({ at: 'idle' });
  // Opening waits for the agent's stopped turn to end (docs/take-over.md): a few seconds at most.
  const [opening, setOpening] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const closing = useRef<string | null>(null);
  // Whose terminal holds the task when it is not this page's (open, or closed and its choice not
  // made): one terminal a task, so none is offered.
  const [other, setOther] = useState<Pick<TerminalView, 'by' | 'state'> | null>(null);
  useEffect(() => {
    let live = true;
    // `first`: a terminal of this task closed but not decided (the page was left) has its choice offered again.
    // Answers may come out of order: whose terminal it is, is the last look's.
    let asked = 0;
    const look = async (first: boolean) => {
      const n = ++asked;
      const t = await api.taskTerminal(task.run_id, task.task_id).catch(() => undefined);
      if (!live || t === undefined) return;
      if (n === asked) setOther(t && t.state !== 'done' ? { by: t.by, state: t.state } : null);
      if (!first || t?.state !== 'closed') return;
      const changes = await api.closeTerminal(t.terminal_id);
      if (live) setStage({ at: 'choose', changes, ended: null });
    };
    void look(true);
    // Looked at again when a terminal opens, ends or is decided in the task (`terminal.changed`),
    // with the turn controls (whose terminal holds the agent).
    const stop = watchTaskTerminal(task.run_id, task.task_id, () => {
      void look(false);
      turnsChanged(task.run_id, task.task_id);
    });
    return () => {
      live = false;
      stop();
    };
  }, [task.run_id, task.task_id]);
  const shown = stage.at !== 'idle';
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (shown && !d.open) d.showModal();
    else if (!shown && d.open) d.close();
  }, [shown]);
  const open = async () => {
    const me = await requireIdentity(`Taking over ${task.task_id}`);
    if (!me) return;
    setOpening(true);
    try {
      setStage({ at: 'open', terminal: await api.openTerminal(task.run_id, task.task_id) });
    } catch (err) {
      fail(`No terminal opened in ${task.task_id}`, err);
    } finally {
      setOpening(false);
      // The terminal paused the agent (or let a pause it could not keep go): the controls say so.
      turnsChanged(task.run_id, task.task_id);
    }
  };
  const close = async (terminal: TerminalView, ended: string | null) => {
    // Once: the socket's own close follows a click on Close.
    if (closing.current === terminal.terminal_id) return;
    closing.current = terminal.terminal_id;
    setStage({ at: 'closing', terminal });
    try {
      setStage({ at: 'choose', changes: await api.closeTerminal(terminal.terminal_id), ended });
    } catch (err) {
      fail(`The terminal of ${task.task_id} did not close`, err);
      setStage({ at: 'idle' });
    }
  };
  const terminal = stage.at === 'open' || stage.at === 'closing' ? stage.terminal : null;
  const elsewhere = !shown && other !== null;
  const whose = other === null ? '' : other.by === myName ? 'Your' : `${other.by}'s`;
  return (
    <div className="take-over">
      <button
        type="button"
        className="small"
        onClick={() => void open()}
        disabled={shown || opening || elsewhere}
        title={
          elsewhere
            ? `${whose} terminal ${other.state === 'open' ? 'is open' : 'waits for a choice'} in this task: one terminal a task`
            : "A terminal in this task's worktree, in its agent's sandbox; its agent is paused first"
        }
      >
        Take over
      </button>
      {elsewhere && (
        <span className="small muted take-over-opening" role="status">
          {other.state === 'open'
            ? `${whose} terminal is open in this task${whose === 'Your' ? ' in another window' : ''}.`
            : `${whose} terminal in this task is closed, its changes waiting for ${whose === 'Your' ? 'your' : `${other.by}'s`} choice.`}
        </span>
      )}
      {opening && (
        <span className="small muted take-over-opening" role="status">
          Pausing the agent: the terminal opens once its turn has ended…
        </span>
      )}
      <dialog
        ref={dialog}
        className={stage.at === 'choose' ? 'terminal-dialog choosing' : 'terminal-dialog'}
        aria-label={`Terminal in ${task.task_id}`}
        // Escape belongs to the shell (vim, less): the dialog closes by its own button only.
        onCancel={(e) => e.preventDefault()}
      >
        {terminal && (
          <>
            <header className="terminal-head">
              <h2>
                Terminal · {task.task_id} <span className="muted small">on {terminal.branch}</span>
              </h2>
              <button
                type="button"
                onClick={() => void close(terminal, null)}
                disabled={stage.at === 'closing'}
              >
                Close terminal
              </button>
            </header>
            {/* An ended task's note is said only when it holds what comes next (its retry waits). */}
            {(terminal.agent_held || !isTerminalTaskStatus(task.status)) && (
              <p className="notice terminal-held" role="note">
                {terminal.agent_note}
              </p>
            )}
            <p className="small muted terminal-where">Its shell runs {terminal.where}.</p>
            <Suspense fallback={<p className="muted">Opening the terminal…</p>}>
              <TerminalPane terminal={terminal} onEnded={(why) => void close(terminal, why)} />
            </Suspense>
          </>
        )}
        {stage.at === 'choose' && (
          <TakeOverChoice
            task={task}
            changes={stage.changes}
            ended={stage.ended}
            onDone={() => {
              setStage({ at: 'idle' });
              setOther(null);
            }}
          />
        )}
      </dialog>
    </div>
  );
}
