import { realpathSync } from 'node:fs';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import {
  changedPaths,
  checkpointRef,
  listCheckpoints,
  recordCheckpoint,
  snapshotTree,
} from '../workspaces/checkpoints.ts';
import type { GitJail } from '../workspaces/git.ts';
import type { RouteEnd } from './route.ts';

/**
 * Every turn a checkpoint (docs/checkpoints.md): after each model turn of a coding agent, its
 * worktree's files are kept as a commit on a private ref of the task's branch
 * (`refs/baton/checkpoints/<branch>/<attempt>/<n>`, ../workspaces/checkpoints.ts), made in Baton's
 * own index: the agent's index, HEAD and files are not touched. Checkpoint 0 is the worktree as the
 * attempt found it. A turn ends when a tool result leaves none of the model's tool calls open (the
 * model's next call is on its way), at the agent's result, and, over ACP, at each `session/prompt`
 * answer. A turn whose files are as the last checkpoint's makes none. Checkpoints of one worktree
 * run one at a time, behind the agent: it never waits for one, a turn that ends while one is
 * taken is kept by the next, and a failure is a line of the attempt's log, not the attempt's end.
 */

export interface TurnCheckpoints {
  /** A turn ended: the worktree kept as the next checkpoint, in the background. */
  turnEnded(): void;
  /** What the checkpoints said since last asked: a line per checkpoint kept, and failures. */
  take(): ExecutorEvent[];
  /** Waits for the checkpoints asked for so far. */
  settled(): Promise<void>;
}

export interface CheckpointsInput {
  repo: string;
  dir: string;
  branch: string;
  attempt: number;
  /** Says the run and task in each checkpoint's message. */
  label: string;
  now: () => number;
  /** Baton's git reading the worktree runs in the agent's view (`git-jail.ts`): the agent runs meanwhile. */
  jail?: ((writable: string[]) => GitJail) | undefined;
}

const log = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/** Baton's work on one worktree, one thing at a time (checkpoints, a revert): by its real folder. */
const chains = new Map<string, Promise<unknown>>();

/** Runs `fn` after what runs on the worktree `dir` now; what follows waits for it. */
export function onWorktree<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = realDir(dir);
  const before = chains.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const tail = mine.catch(() => {});
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return mine;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The attempt's checkpoints, checkpoint 0 taken (the worktree as the attempt found it). A worktree
 * whose checkpoint 0 cannot be taken has none this attempt: said, and the attempt goes on.
 */
export async function startCheckpoints(input: CheckpointsInput): Promise<TurnCheckpoints> {
  const said: ExecutorEvent[] = [];
  let last: { n: number; commit: string; tree: string } | null = null;
  let off = false;
  const keep = async (): Promise<void> => {
    if (off) return;
    try {
      const { tree, head, repaired } = await snapshotTree({
        repo: input.repo,
        dir: input.dir,
        jail: input.jail,
      });
      // The agent rewrote its `.git` (or planted a config of its own): set right, and said, as at its commit.
      if (repaired !== null) said.push(log(repaired));
      if (last !== null && tree === last.tree) return;
      const n: number = last === null ? 0 : last.n + 1;
      const parent = last?.commit ?? head;
      const files =
        parent === null ? null : (await changedPaths({ repo: input.repo, from: parent, to: tree })).length;
      const at = new Date(input.now()).toISOString();
      const what = n === 0 ? 'the worktree as the attempt found it' : `turn ${n}`;
      const commit = await recordCheckpoint({
        repo: input.repo,
        ref: checkpointRef(input.branch, input.attempt, n),
        tree,
        parent,
        message: `Baton checkpoint: ${what}, attempt ${input.attempt} of ${input.label}\n\n${files === null ? '' : `Files: ${files}\n`}At: ${at}`,
      });
      last = { n, commit, tree };
      if (n > 0)
        said.push(log(`checkpoint: turn ${n} kept (${files} file${files === 1 ? '' : 's'} changed)`));
    } catch (err) {
      const why = (err as Error).message;
      if (last === null) {
        off = true;
        said.push(log(`checkpoint: none this attempt, its worktree could not be kept: ${why}`));
      } else said.push(log(`checkpoint: a turn's worktree could not be kept (the agent goes on): ${why}`));
    }
  };
  // Taken up again (the same attempt after a restart): numbered after its last.
  try {
    const before = await listCheckpoints({ repo: input.repo, branch: input.branch, attempt: input.attempt });
    const top = before.at(-1);
    if (top) last = { n: top.turn, commit: top.commit, tree: top.tree };
  } catch {
    // keep() says what is wrong
  }
  await onWorktree(input.dir, keep);
  let queued = false;
  return {
    turnEnded() {
      if (off || queued) return;
      queued = true;
      void onWorktree(input.dir, () => {
        queued = false;
        return keep();
      });
    },
    take: () => said.splice(0),
    settled: () => onWorktree(input.dir, async () => {}),
  };
}

/**
 * Where a route's turns end, read from the steps it gives: a tool result that leaves no tool call
 * open, and the agent's result. Returns whether `s` ends one.
 */
export function turnWatch(): (s: Step) => boolean {
  const open = new Set<string>();
  return (s) => {
    if (s.kind === 'result') return true;
    if (s.kind !== 'tool_call') return false;
    if (s.status === 'running' || s.status === 'awaiting_approval') {
      open.add(s.call_id);
      return false;
    }
    const was = open.delete(s.call_id);
    return was && open.size === 0;
  };
}

/**
 * The route's run with its turns kept: each event passed on, a checkpoint asked for at each turn's
 * end, what the checkpoints said after it; once the route ended, the last checkpoint waited for.
 */
export async function* checkpointed(
  run: AsyncGenerator<ExecutorEvent, RouteEnd>,
  turns: TurnCheckpoints,
): AsyncGenerator<ExecutorEvent, RouteEnd> {
  const ends = turnWatch();
  let done = false;
  try {
    for (;;) {
      const next = await run.next();
      if (next.done) {
        done = true;
        turns.turnEnded();
        await turns.settled();
        yield* turns.take();
        return next.value;
      }
      yield next.value;
      if (next.value.type === 'step' && ends(next.value.step)) turns.turnEnded();
      yield* turns.take();
    }
  } finally {
    // Closed early (the attempt's consumer stopped): the route's own cleanup runs.
    if (!done) await run.return({ spawnError: 'stopped' });
  }
}
