import type {
  DroppedAttempt,
  HeldAttempt,
  WorkerToolCallAsked,
  WorkerToolCallWaited,
} from '../../src-shared/contract/domains/workers.ts';
import type { ToolCallVerdict } from '../../src-shared/schemas/approval.ts';
import type { MergeConflictRequest, MergeConflictVerdict, ToolCallRequest } from '../engine/executor.ts';
import { backoffMs, describe, sleep, transient } from './retry.ts';
import type { ServerLink } from './server-link.ts';
import { seg } from './server-link.ts';

/** How long one wait for a person's decision lasts on the server before the worker waits again. */
const WAIT_MS = 15_000;

/** What a worker's attempt asks the server with. */
export interface Asker {
  workerId: string;
  link: ServerLink;
  held: HeldAttempt;
  /** The server says the attempt is no longer this worker's: it is stopped (its signal aborts). */
  drop: (why: string) => void;
  say: (line: string) => void;
  /** The attempt, as the worker's lines name it. */
  name: string;
}

/**
 * A worker's `askToolCall` (the tool loop's question when its agent's policy says `ask`): the
 * call is asked in the server's approvals inbox (`workers.askToolCall`: the same approval, card,
 * notifications and webhooks as the app's own loop), then waited on in turns of 15 s
 * (`workers.waitToolCall`) until a person decides. The verdict is the app's, so edited
 * arguments, an approval and a denial with its message reach the loop as they do in the app.
 *
 * Stops waiting when `signal` aborts (the attempt is stopped: the worker stops, or the server
 * told it to drop the attempt in a heartbeat) and when the server answers `drop` (the task was
 * cancelled, the lease lapsed): the attempt is then dropped. The network or a restarting server
 * is waited out with backoff: the approval is stored on the server, asking again finds it.
 */
export async function askToolCall(
  to: Asker,
  req: ToolCallRequest,
  signal: AbortSignal,
): Promise<ToolCallVerdict> {
  const { held } = to;
  const input = req.input;
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new Error(`${req.tool}: its arguments are not a JSON object`);
  const tool = `${req.server ? `${req.server}/` : ''}${req.tool}`;
  const base = `${attemptPath(to)}/tool-calls`;
  const asked = await untilAnswered(to, `asking a person to allow ${tool}`, signal, () =>
    to.link.post<WorkerToolCallAsked>(
      base,
      {
        attempt: held.attempt,
        call_id: req.call_id,
        tool: req.tool,
        server: req.server,
        input,
        agent_text: req.agent_text,
      },
      signal,
    ),
  );
  if ('drop' in asked) return dropped(to, asked.drop.reason, signal);
  let verdict = asked.verdict;
  if (!verdict)
    to.say(`${to.name}: waiting for a person to allow ${tool} (approval ${asked.approval_id} on the server)`);
  const wait = `${base}/${seg(asked.approval_id)}/wait`;
  while (!verdict) {
    const waited = await untilAnswered(to, `waiting for the decision on ${tool}`, signal, () =>
      to.link.post<WorkerToolCallWaited>(wait, { attempt: held.attempt, wait_ms: WAIT_MS }, signal),
    );
    if ('drop' in waited) return dropped(to, waited.drop.reason, signal);
    verdict = waited.verdict;
  }
  return verdict;
}

/**
 * A worker's `askMergeConflict` (a coding attempt's dependencies' branches conflict, with
 * `on_conflict: "ask"`): asked in the server's inbox (`workers.askMergeConflict`, the app's own
 * `merge_conflict` approval, naming the worktree on this machine where a person resolves it),
 * then waited on as a tool call is, with the same ends (the attempt stopped, `drop`).
 */
export async function askMergeConflict(
  to: Asker,
  req: MergeConflictRequest,
  signal: AbortSignal,
): Promise<MergeConflictVerdict> {
  const base = `${attemptPath(to)}/merge-conflicts`;
  const asked = await untilAnswered(to, 'asking a person to resolve a merge conflict', signal, () =>
    to.link.post<{ approval_id: string } | { drop: DroppedAttempt }>(
      base,
      { attempt: to.held.attempt, ...req },
      signal,
    ),
  );
  if ('drop' in asked) return dropped(to, asked.drop.reason, signal);
  to.say(
    `${to.name}: waiting for a person to resolve the merge conflict in ${req.dir} (approval ${asked.approval_id} on the server)`,
  );
  const wait = `${base}/${seg(asked.approval_id)}/wait`;
  for (;;) {
    const waited = await untilAnswered(to, 'waiting for the merge conflict to be resolved', signal, () =>
      to.link.post<{ verdict: MergeConflictVerdict | null } | { drop: DroppedAttempt }>(
        wait,
        { attempt: to.held.attempt, wait_ms: WAIT_MS },
        signal,
      ),
    );
    if ('drop' in waited) return dropped(to, waited.drop.reason, signal);
    if (waited.verdict) return waited.verdict;
  }
}

/** The worker API's path of the attempt's task. */
function attemptPath(to: Asker): string {
  const { held } = to;
  return `/api/v1/workers/${seg(to.workerId)}/tasks/${seg(held.run_id)}/${seg(held.task_id)}`;
}

/** One call, tried again with backoff while the network or the server fails; ends when `signal` aborts. */
async function untilAnswered<T>(
  to: Asker,
  what: string,
  signal: AbortSignal,
  call: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    if (signal.aborted) throw abortReason(signal);
    try {
      return await call();
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      // A refusal that will not pass (the approval is not this task's, a bug): the loop fails with it.
      if (!transient(err)) throw new Error(`${what}: ${describe(err)}`);
      const pause = backoffMs(n);
      to.say(`${to.name}: ${what}: ${describe(err)}; trying again in ${(pause / 1000).toFixed(1)} s`);
      await sleep(pause, signal);
    }
  }
}

/** The server says the attempt is not the worker's any more: it is stopped, and the loop ends. */
function dropped(to: Asker, why: string, signal: AbortSignal): never {
  to.drop(why);
  throw signal.aborted ? abortReason(signal) : new Error(`dropped: ${why}`);
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the attempt was stopped');
}
