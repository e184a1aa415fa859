import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  TerminalAfter,
  TerminalChanges,
  TerminalOutcome,
  TerminalView,
} from '../../../../src-shared/contract/domains/terminals.ts';
import { TERMINAL_SOCKET_PATH } from '../../../../src-shared/contract/domains/terminals.ts';
import { isTerminalTaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import { AppError } from '../../../base/errors.ts';
import { desktopWindow } from './desktop.ts';
import type { AgentHold } from './hold.ts';
import { NO_HOLD } from './hold.ts';
import type { Place } from './place.ts';
import { placeOf, shellRequest, worktreeGone } from './place.ts';
import { rcText, startShell } from './shell.ts';
import type { Opener, Terminal, TerminalsDeps } from './types.ts';
import type { Snapshot } from './work.ts';
import { authorEmail, changedSince, commitTakeOver, plural, snapshot } from './work.ts';

export type { Opener, TerminalsDeps } from './types.ts';

/** Characters of the shell's output sent and not yet written to the page's connection, past which the shell is paused. */
const UNSENT_MAX = 1024 * 1024;

const keyOf = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;

/**
 * The terminals people opened in coding tasks' worktrees (docs/take-over.md): one per task, its
 * opener's alone; its shell starts when its socket attaches and ends when the socket closes or
 * the task ends. Closing it says what the person changed; their choice commits it as theirs and
 * lets the agent go on, told, or ends the task.
 */
export function createTerminals(deps: TerminalsDeps) {
  const hold = deps.hold ?? NO_HOLD;
  const byId = new Map<string, Terminal>();
  const byTask = new Map<string, Terminal>();
  const opening = new Set<string>();
  const waitMs = deps.socketWaitMs ?? 60_000;

  const taskIn = (runId: string, taskId: string) =>
    deps.store.runs.tasks(runId).find((x) => x.task_id === taskId);
  /** How the task stands once its worktree went, with the branch that keeps its commits. */
  const leftOf = (p: Place) => {
    const { run_id, task_id, branch } = p.session;
    const task = taskIn(run_id, task_id);
    return `${task ? `the task is ${task.status}` : 'its run is gone'}; its branch ${branch} keeps what was committed`;
  };
  /** Why the terminal's worktree is no longer there to diff or commit, or null while it is. */
  const goneOf = (t: Terminal): string | null => {
    if (!worktreeGone(deps, t.place.session)) return null;
    return `the worktree of task "${t.place.session.task_id}" was removed after the terminal opened (${leftOf(t.place)}): what was changed there is gone, and nothing can be committed`;
  };
  /** The refusal of a terminal whose worktree was removed as it opened (its task ended, its run was cancelled). */
  const goneAtOpen = (p: Place) =>
    new AppError(
      'conflict',
      `the worktree of task "${p.session.task_id}" was removed as the terminal opened (${leftOf(p)}): nothing to open a terminal in`,
      { field: 'task_id' },
    );

  /** What changed since the terminal opened; none when the worktree went, even as this read it (its run ending). */
  const changesOf = async (t: Terminal): Promise<Omit<TerminalChanges, 'terminal'>> => {
    const before = goneOf(t);
    if (before) return { files: [], gone: before };
    try {
      return { files: await changedSince(t.place.workspace.path, t.place.session.dir, t.before), gone: null };
    } catch (err) {
      return goneOf(t) === null ? Promise.reject(err) : { files: [], gone: goneOf(t) };
    }
  };

  const taskOf = (t: Terminal) => taskIn(t.place.session.run_id, t.place.session.task_id);
  /** Why the terminal's task ended after it opened (its shell ends, or never starts), or null. */
  const endedOf = (t: Terminal): string | null => {
    const task = taskOf(t);
    if (t.endedBy || t.endedAtOpen || !task || !isTerminalTaskStatus(task.status)) return t.endedBy ?? null;
    return `task "${task.task_id}" ended: it is ${task.status}`;
  };
  /** Why the agent held is no longer (its task ended, its attempt's end lifted its pause), or null. */
  const letGoBy = (t: Terminal): string | null => {
    if (!t.held || t.state === 'done') return null;
    if (endedOf(t) || hold.holding(t.place.session.run_id, t.place.session.task_id)) return endedOf(t);
    return `its pause went with its attempt (the task is ${taskOf(t)?.status ?? 'gone'})`;
  };

  const view = (t: Terminal): TerminalView => {
    const lost = letGoBy(t);
    return {
      terminal_id: t.id,
      run_id: t.place.session.run_id,
      task_id: t.place.session.task_id,
      by: t.opener.name,
      dir: t.place.session.dir,
      branch: t.place.session.branch,
      state: t.state,
      sandboxed: t.sandboxed,
      where: t.where,
      agent_held: t.held && lost === null,
      agent_note:
        lost === null
          ? t.note
          : `The agent is no longer held: ${lost}. When you close the terminal, you choose what happens next.`,
      opened_at: t.openedAt,
      socket_path: `${TERMINAL_SOCKET_PATH}${t.id}`,
    };
  };

  /** The terminal, its opener's (to close and decide, an admin's too): another is told whose it is. */
  const mine = (id: string, who: Opener, orAdmin = false): Terminal => {
    const t = byId.get(id);
    if (!t)
      throw new AppError('not_found', `terminal "${id}" not found (closed and decided, or never opened)`);
    if (t.opener.personId !== who.personId && !(orAdmin && who.admin))
      throw new AppError(
        'forbidden',
        `terminal "${id}" is ${t.opener.name}'s: only they can use it (an admin may close and decide it)`,
      );
    return t;
  };

  /** Whoever shows the task asks whose terminal holds it again (`terminal.changed`). */
  const changed = (t: Terminal) =>
    deps.bus.emit('terminal.changed', { run_id: t.place.session.run_id, task_id: t.place.session.task_id });

  const endShell = async (t: Terminal): Promise<void> => {
    if (t.waiting) clearTimeout(t.waiting);
    t.waiting = null;
    const shell = t.shell;
    t.shell = null;
    // A shell being ended already (its socket closed) is waited for too (the app closing).
    if (shell) t.killing = shell.kill();
    await t.killing;
    if (t.state !== 'open') return;
    t.state = 'closed';
    changed(t);
  };

  const forget = async (t: Terminal): Promise<void> => {
    // Its hold, if any is left (a person's Pause from before, kept as it was), is no longer the terminal's.
    hold.leave(t.place.session.run_id, t.place.session.task_id);
    byId.delete(t.id);
    if (byTask.get(keyOf(t.place.session.run_id, t.place.session.task_id)) === t) {
      byTask.delete(keyOf(t.place.session.run_id, t.place.session.task_id));
      changed(t);
    }
    if (byId.size === 0) {
      off?.();
      off = null;
    }
    await rm(t.tmp, { recursive: true, force: true });
  };

  /** Resumes the agent held; why it could not (its task ended meanwhile), or null. */
  const letGo = async (runId: string, taskId: string, by: string): Promise<string | null> => {
    try {
      await hold.releaseAgent(runId, taskId, by);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const release = async (t: Terminal, by = t.opener.name): Promise<string | null> => {
    if (!t.held) return null;
    t.held = false;
    return letGo(t.place.session.run_id, t.place.session.task_id, by);
  };

  // A task that ends ends its terminal's shell: the person's changes still wait for their choice.
  // Listened to only while a terminal is open: nobody else pays for it.
  let off: (() => void) | null = null;
  const watchTasks = () => {
    off ??= deps.bus.subscribe(
      (batch) => {
        for (const e of batch) {
          if (e.name !== 'task.updated') continue;
          const t = byTask.get(keyOf(e.payload.run_id, e.payload.task_id));
          // Its shell starting still (or not yet asked for): it is ended as it starts.
          if (t?.state === 'open' && isTerminalTaskStatus(e.payload.status)) {
            t.endedBy = `task "${e.payload.task_id}" ended: it is ${e.payload.status}`;
            if (t.shell) void endShell(t);
          }
        }
      },
      ['task.updated'],
    );
  };

  const terminals = {
    async open(runId: string, taskId: string, who: Opener): Promise<TerminalView> {
      const place = placeOf(deps, runId, taskId);
      const taken = byTask.get(keyOf(runId, taskId));
      if (taken)
        throw new AppError(
          'conflict',
          taken.opener.personId === who.personId
            ? `task "${taskId}" has your terminal already (${taken.state === 'open' ? 'open' : 'closed, waiting for your choice'}): terminal "${taken.id}"`
            : `task "${taskId}" has ${taken.opener.name}'s terminal open: one terminal per task`,
          { terminal_id: taken.id },
        );
      // Two opens at once: the second is refused, as it would be a moment later.
      if (opening.has(keyOf(runId, taskId)))
        throw new AppError(
          'conflict',
          `a terminal is being opened in task "${taskId}": one terminal per task`,
        );
      opening.add(keyOf(runId, taskId));
      // A task ended before (a failed one's worktree) has a shell; one that ends from now on has none.
      const endedAtOpen = isTerminalTaskStatus(taskIn(runId, taskId)?.status ?? 'cancelled');
      // The agent is held first, and its stopped turn has ended (its last tool call may still
      // write as it winds down), before the snapshot the person's changes are told from is taken:
      // nothing the agent wrote lands among them.
      let held: Awaited<ReturnType<AgentHold['holdAgent']>>;
      try {
        held = await hold.holdAgent(runId, taskId, who.name);
      } catch (err) {
        opening.delete(keyOf(runId, taskId));
        throw err;
      }
      // Named as the sandbox's own temp folders are: a killed Baton's are swept at the next start (temp-folders.ts).
      let tmp = '';
      let request: ReturnType<typeof shellRequest>;
      let before: Snapshot;
      try {
        tmp = await mkdtemp(join(tmpdir(), `baton-tmp-${process.pid}-terminal-`));
        request = shellRequest(deps, place, tmp);
        before = await snapshot(place.workspace.path, place.session.dir, request);
        if (worktreeGone(deps, place.session)) throw goneAtOpen(place);
      } catch (err) {
        if (tmp) await rm(tmp, { recursive: true, force: true });
        if (held.paused) await letGo(runId, taskId, who.name);
        else hold.leave(runId, taskId);
        // Removed while the hold waited or git read it: said plainly, whatever git made of it.
        throw worktreeGone(deps, place.session) ? goneAtOpen(place) : err;
      } finally {
        opening.delete(keyOf(runId, taskId));
      }
      const t: Terminal = {
        id: randomBytes(16).toString('base64url'),
        place,
        opener: who,
        state: 'open',
        before,
        tmp,
        where: request.where,
        sandboxed: request.policy.mode !== 'off',
        held: held.held,
        paused: held.paused,
        between: held.between === true,
        note: held.note,
        openedAt: deps.now(),
        shell: null,
        attached: false,
        waiting: null,
        endedAtOpen,
      };
      byId.set(t.id, t);
      byTask.set(keyOf(runId, taskId), t);
      changed(t);
      watchTasks();
      // Nobody came for it: the terminal goes, and the agent is let go (a person's Pause from before stays).
      t.waiting = setTimeout(() => {
        if (t.attached) return;
        if (!t.paused) t.held = false;
        void endShell(t)
          .then(() => release(t))
          .then(() => forget(t));
      }, waitMs);
      t.waiting.unref();
      deps.audit({
        actor: who.name,
        run_id: runId,
        task_id: taskId,
        to: 'terminal opened',
        why: `${who.name} opened a terminal in task "${taskId}": its shell runs ${t.where}; ${t.held ? 'its agent is paused' : 'its agent is not held'}`,
      });
      return view(t);
    },

    get(runId: string, taskId: string): TerminalView | null {
      const t = byTask.get(keyOf(runId, taskId));
      return t ? view(t) : null;
    },

    /**
     * The socket of terminal `id` attached by `who` (the host proved them): the shell starts, its
     * output goes to `send`; what comes back is `write`/`resize`; `detach` (the socket closed)
     * ends the shell. An error (not theirs, closed, the sandbox refused) is thrown.
     */
    async attach(
      id: string,
      who: Opener,
      size: { cols: number; rows: number },
      io: { send: (data: string, written: () => void) => void; exit: (why: string) => void },
    ) {
      const t = mine(id, who);
      if (t.state !== 'open') throw new AppError('conflict', `terminal "${id}" is closed`);
      if (t.attached) throw new AppError('conflict', `terminal "${id}" is open in another window`);
      // Its task ended after it opened: no shell (the person's changes still wait for their choice).
      const ended = endedOf(t);
      if (ended) throw new AppError('conflict', `terminal "${id}" has no shell: ${ended}`);
      t.attached = true;
      if (t.waiting) clearTimeout(t.waiting);
      t.waiting = null;
      const request = shellRequest(deps, t.place, t.tmp);
      const rcfile = join(t.tmp, 'bashrc');
      await writeFile(rcfile, rcText(t.tmp), { mode: 0o600 });
      const started = await startShell(request, t.id, size, rcfile);
      if (!started.ok) {
        t.attached = false;
        throw new AppError('unavailable', started.error);
      }
      const shell = started.shell;
      // Closed, or its task ended, while the shell started.
      if (t.state !== 'open' || endedOf(t)) {
        t.attached = false;
        await shell.kill();
        throw new AppError(
          'conflict',
          `terminal "${id}" ${endedOf(t) ? `has no shell: ${endedOf(t)}` : 'was closed'}`,
        );
      }
      t.shell = shell;
      // What the page has not read yet is bounded: past it the shell is paused (a `yes` or a `cat`
      // of a big file waits for the page instead of filling Baton's memory).
      let unsent = 0;
      let paused = false;
      shell.onData((data) => {
        unsent += data.length;
        if (!paused && unsent > UNSENT_MAX) {
          paused = true;
          shell.pause();
        }
        io.send(data, () => {
          unsent -= data.length;
          if (paused && unsent < UNSENT_MAX / 4) {
            paused = false;
            shell.resume();
          }
        });
      });
      shell.onExit((code) => {
        void endShell(t).then(() => io.exit(t.endedBy ?? `the shell exited (${code})`));
      });
      return {
        write: (data: string) => shell.write(data),
        resize: (cols: number, rows: number) => shell.resize(cols, rows),
        detach: () => {
          t.attached = false;
          return endShell(t);
        },
      };
    },

    async close(id: string, who: Opener): Promise<TerminalChanges> {
      const t = mine(id, who, true);
      await endShell(t);
      return { terminal: view(t), ...(await changesOf(t)) };
    },

    async commit(
      id: string,
      who: Opener,
      o: { commit: boolean; message?: string | undefined; after: TerminalAfter },
    ): Promise<TerminalOutcome> {
      const t = mine(id, who, true);
      if (t.state === 'done') throw new AppError('conflict', `terminal "${id}" was decided already`);
      await endShell(t);
      const { session } = t.place;
      // The work is its opener's, whoever decides (an admin closing it for them): they are its author.
      const { name } = t.opener;
      // Its worktree removed meanwhile (its run ended, it was archived): nothing to commit, said
      // before anything is written; the person may still choose without a commit.
      const gone = goneOf(t);
      if (gone && o.commit)
        throw new AppError('conflict', `${gone}: choose again without committing`, {
          field: 'commit',
        });
      const { files } = gone ? { files: [] } : await changesOf(t);
      let done = { commit: null as string | null, agentCommit: null as string | null };
      if (o.commit && files.length > 0) {
        done = await commitTakeOver({
          repo: t.place.workspace.path,
          dir: session.dir,
          branch: session.branch,
          before: t.before,
          author: { name, email: authorEmail(t.opener) },
          message: o.message ?? `${name} took over task "${session.task_id}" in a terminal`,
          taskId: session.task_id,
        });
      }
      t.state = 'done';
      let said: string;
      switch (o.after) {
        // Said while the agent is still held, its words wait for its next turn; then it is let go.
        case 'go_on': {
          const text =
            files.length === 0
              ? `${name} looked in the worktree in a terminal and changed nothing. Go on.`
              : `${name} took over in a terminal and changed ${files.length} file${files.length === 1 ? '' : 's'}: ${files.slice(0, 20).join(', ')}${files.length > 20 ? ', …' : ''}. ${done.commit ? `They committed it as ${done.commit.slice(0, 12)} on ${session.branch}.` : 'The changes are in the worktree, not committed.'} Look at them before you go on.`;
          // Held between attempts, no agent of it ran to be told: its next attempt finds the worktree as left.
          if (t.between)
            said =
              'its agent did not run while you typed: its next attempt starts from the worktree as you left it, not told what you changed';
          else
            try {
              said = deps.say(session.run_id, session.task_id, text, who.name).says;
            } catch (err) {
              said = `the agent was not told: ${(err as Error).message}`;
            }
          const notResumed = await release(t, who.name);
          if (notResumed) said += `; it was not let go on: ${notResumed}`;
          break;
        }
        // Ended, its attempt's pause goes with it (one made for its next attempt is lifted); a task that could not be ended is let go.
        case 'end_task':
          try {
            deps.cancelTask(session.run_id, session.task_id, who.name);
            said = `task "${session.task_id}" was ended`;
            if (t.between) await release(t, who.name);
            else t.held = false;
          } catch (err) {
            said = `the task was not ended: ${(err as Error).message}`;
            const notResumed = await release(t, who.name);
            if (notResumed) said += `; its agent was not let go on: ${notResumed}`;
          }
          break;
      }
      deps.audit({
        actor: who.name,
        run_id: session.run_id,
        task_id: session.task_id,
        to: 'terminal closed',
        why: `${who.name} closed ${t.opener.personId === who.personId ? 'their' : `${name}'s`} terminal in task "${session.task_id}": ${
          done.commit
            ? `committed ${done.commit} on ${session.branch} (${plural(files.length)})`
            : `nothing committed (${plural(files.length)} changed)`
        }; ${said}`,
      });
      const outcome: TerminalOutcome = {
        terminal: view(t),
        commit: done.commit,
        agent_commit: done.agentCommit,
        after: o.after,
        said,
      };
      await forget(t);
      return outcome;
    },

    /** Ends every shell (the app closes). */
    async closeAll(): Promise<void> {
      await Promise.all([...byId.values()].map(async (t) => endShell(t).then(() => forget(t))));
    },
  };
  return { ...terminals, ...desktopWindow(deps.desktopOutput, { attach: terminals.attach, mine }) };
}

export type Terminals = ReturnType<typeof createTerminals>;
