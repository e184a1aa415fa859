import { existsSync } from 'node:fs';
import type { RunHandlers } from '../../../../src-shared/contract/domains/runs.ts';
import type { Checkpoint } from '../../../../src-shared/schemas/checkpoint.ts';
import { REVERT_NOTE_PREFIX } from '../../../../src-shared/schemas/checkpoint.ts';
import type { StepOf } from '../../../../src-shared/schemas/step.ts';
import { AppError } from '../../../base/errors.ts';
import { onWorktree } from '../attempt/checkpoints.ts';
import { gitJail } from '../attempt/git-jail.ts';
import { agentView } from '../terminal/place.ts';
import type { CheckpointRecord } from '../workspaces/index.ts';
import { diffCommits, listCheckpoints, restoreTree } from '../workspaces/index.ts';
import type { CodingHandlersContext } from './context.ts';

type CheckpointHandlers = Pick<RunHandlers, 'runs.checkpoints' | 'runs.checkpointDiff' | 'runs.revertToTurn'>;

/** A turn's diff is cut past this (the task panel shows it). */
const PATCH_LIMIT = 1024 * 1024;
/** Who reverted, when neither the input nor the caller names a person (the machine's owner). */
const DEFAULT_ACTOR = 'user';

/**
 * The checkpoints of a coding task's turns (docs/checkpoints.md, ../attempt/checkpoints.ts): the
 * list, a turn's diff, and a revert to a turn.
 */
export function checkpointHandlers({
  coding: { store },
  bus,
  now,
  engine,
  hiddenFolders,
  terminals,
}: CodingHandlersContext): CheckpointHandlers {
  const sessionOf = (runId: string, taskId: string) => {
    if (!store.runs.get(runId)) throw new AppError('not_found', `run "${runId}" not found`);
    const session = store.sessions.get(runId, taskId);
    if (!session)
      throw new AppError(
        'not_found',
        `task "${taskId}" of run "${runId}" has no worktree (not a coding task, or not started)`,
      );
    const workspace = store.workspaces.get(session.workspace_id);
    if (!workspace)
      throw new AppError('not_found', `workspace "${session.workspace_id}" is not registered (any more)`);
    return { session, workspace, repo: workspace.path };
  };
  const checkpointOf = async (
    repo: string,
    branch: string,
    input: { task_id: string; attempt: number; turn: number },
  ): Promise<{ at: CheckpointRecord; all: CheckpointRecord[] }> => {
    const all = await listCheckpoints({ repo, branch, attempt: input.attempt });
    const at = all.find((c) => c.turn === input.turn);
    if (!at)
      throw new AppError(
        'not_found',
        `turn: task "${input.task_id}" has no checkpoint of turn ${input.turn} in attempt ${input.attempt}${all.length > 0 ? ` (it has turns ${all[0]!.turn}–${all.at(-1)!.turn})` : ''}`,
        { field: 'turn' },
      );
    return { at, all };
  };
  return {
    'runs.checkpoints': async ({ run_id, task_id, attempt }) => {
      const { session, repo } = sessionOf(run_id, task_id);
      if (!existsSync(repo)) return [];
      const list = await listCheckpoints({
        repo,
        branch: session.branch,
        ...(attempt === undefined ? {} : { attempt }),
      });
      return list.map(
        (c): Checkpoint => ({ attempt: c.attempt, turn: c.turn, commit: c.commit, at: c.at, files: c.files }),
      );
    },
    'runs.checkpointDiff': async (input) => {
      const { session, repo } = sessionOf(input.run_id, input.task_id);
      const { at } = await checkpointOf(repo, session.branch, input);
      if (at.parent === null)
        return {
          attempt: at.attempt,
          turn: at.turn,
          files: [],
          additions: 0,
          deletions: 0,
          patch: '',
          truncated_note: null,
        };
      const diff = await diffCommits({ repo, base: at.parent, head: at.commit, maxPatchBytes: PATCH_LIMIT });
      return {
        attempt: at.attempt,
        turn: at.turn,
        files: diff.files.map((f) => ({
          path: f.path,
          ...(f.oldPath ? { old_path: f.oldPath } : {}),
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
        })),
        additions: diff.additions,
        deletions: diff.deletions,
        patch: diff.patch,
        truncated_note: diff.truncatedNote,
      };
    },
    'runs.revertToTurn': async (input, call) => {
      const actor = input.actor ?? call.actor ?? DEFAULT_ACTOR;
      const { run_id, task_id } = input;
      const { session, workspace, repo } = sessionOf(run_id, task_id);
      const task = store.runs.tasks(run_id).find((t) => t.task_id === task_id);
      if (!task) throw new AppError('not_found', `task "${task_id}" not found in run "${run_id}"`);
      // A person types in its worktree (Take over): what they changed, not yet committed, would go.
      const terminal = terminals.get(run_id, task_id);
      if (terminal)
        throw new AppError(
          'conflict',
          `task "${task_id}" has ${terminal.by}'s terminal ${terminal.state === 'open' ? 'open' : 'closed, waiting for their choice'} in its worktree: a revert would undo what they changed there. Revert once they have closed it and chosen what happens next`,
        );
      // A turn may be writing: the agent's files are not changed under it. Held between its
      // turns (paused, or its turn stopped, and that turn has ended), its worktree is quiet.
      const last = store.execution.attempts(run_id, task_id).at(-1);
      const running = task.status === 'in_progress' || (last !== undefined && last.finished_at === null);
      const held = running ? engine.turns(run_id, task_id) : null;
      if (running && !held?.between_turns)
        throw new AppError(
          'conflict',
          held?.held
            ? `task "${task_id}"'s agent is held, but its stopped turn has not ended yet (it may still write its files): revert once it has`
            : `task "${task_id}" is running: its agent may be writing its files now. Pause it first (its turn is stopped, and the revert waits for no one), or revert once its attempt has ended (it failed, was stopped, or waits for its review)`,
        );
      // Held before its agent started again (a restart of Baton): nothing could tell it.
      if (held && engine.listening(run_id, task_id) === null)
        throw new AppError(
          'conflict',
          `task "${task_id}"'s agent is paused before it starts again (Baton restarted) and takes no words to tell it what was undone: Resume it, pause it once its turn runs, then revert`,
        );
      if (session.state === 'removed' || !existsSync(session.dir))
        throw new AppError(
          'conflict',
          `the worktree of task "${task_id}" was removed already (its branch ${session.branch} is still there): there is nothing to revert`,
        );
      const { at, all } = await checkpointOf(repo, session.branch, input);
      // Its agent is held, but what it started may still run: git reads and writes the worktree in
      // the agent's own view of the machine (../attempt/git-jail.ts).
      const view = agentView({ store, hiddenFolders }, { session, workspace });
      const jail = (writable: string[]) => gitJail(view, writable);
      const files = await onWorktree(session.dir, () =>
        restoreTree({ repo, dir: session.dir, tree: at.tree, jail }),
      );
      const later = all.filter((c) => c.turn > at.turn).map((c) => c.turn);
      const undone =
        later.length === 0
          ? 'no turn of that attempt came after it'
          : `the changes of turn${later.length === 1 ? '' : 's'} ${later.length === 1 ? later[0] : `${later[0]}–${later.at(-1)}`} were undone`;
      const shown =
        files.slice(0, 20).join(', ') + (files.length > 20 ? ` and ${files.length - 20} more` : '');
      const what =
        at.turn === 0 ? `the start of attempt ${at.attempt}` : `turn ${at.turn} of attempt ${at.attempt}`;
      const note = `${REVERT_NOTE_PREFIX} ${what}: ${undone}${files.length > 0 ? ` (${files.length} file${files.length === 1 ? '' : 's'} put back: ${shown})` : ' (no file differed)'}. Go on from the files as they are now.`;
      const when = now();
      const why = `${actor} reverted the worktree to ${what}: ${undone} (${files.length} file${files.length === 1 ? '' : 's'})`;
      const audit = () =>
        store.memory.audit({
          at: when,
          actor,
          entity: 'task',
          entity_id: task_id,
          run_id,
          from_status: task.status,
          to_status: task.status,
          why,
        });
      if (held) {
        // Its attempt still runs, held: told in its next turn, by the channel of a person's words
        // (recorded by the attempt as their step), which does not let a stopped turn go on.
        engine.tellHeld(run_id, task_id, note, actor);
        audit();
        const then =
          held.held === 'paused'
            ? 'Resume the task: its agent goes on from these files, told in its next turn what was undone.'
            : 'Resume the task, or say something to its agent: it goes on from these files, told in its next turn what was undone.';
        return { attempt: at.attempt, turn: at.turn, files, note, then };
      }
      // A step of the task's last attempt, with the person's name, and a line of the audit log.
      const attempt = Math.max(1, task.attempt);
      const seq = store.steps.list(run_id, task_id, attempt).reduce((n, x) => Math.max(n, x.seq + 1), 0);
      const step: StepOf<'message'> = {
        seq,
        at: when,
        kind: 'message',
        role: 'system',
        text: note,
        by: actor,
      };
      store.tx(() => {
        store.steps.upsertOf({ run_id, task_id, attempt, agent_id: task.agent_id }, [step]);
        audit();
      });
      bus.emit('task.step', { ...step, run_id, task_id, attempt });
      const then =
        task.status === 'awaiting_approval'
          ? 'Its diff review still shows the work before the revert: request changes, and the agent goes on from these files, told what was undone (approving accepts that earlier work instead).'
          : task.status === 'done'
            ? 'The task is done with its earlier work: re-run it to go on from these files.'
            : 'Retry the task: its next attempt goes on from these files, told what was undone.';
      return { attempt: at.attempt, turn: at.turn, files, note, then };
    },
  };
}
