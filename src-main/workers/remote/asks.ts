import type { DroppedAttempt, HeldAttempt } from '../../../src-shared/contract/domains/workers.ts';
import type { ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';
import type { MergeConflictRequest, MergeConflictVerdict, ToolCallRequest } from '../../engine/executor.ts';
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
export function askToolCall(to: Asker, req: ToolCallRequest, signal: AbortSignal): Promise<ToolCallVerdict> {
  const input = req.input;
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return Promise.reject(new Error(`${req.tool}: its arguments are not a JSON object`));
  const tool = `${req.server ? `${req.server}/` : ''}${req.tool}`;
  return askAndWait<ToolCallVerdict>(
    to,
    'tool-calls',
    {
      call_id: req.call_id,
      tool: req.tool,
      server: req.server,
      input,
      agent_text: req.agent_text,
    },
    {
      asking: `asking a person to allow ${tool}`,
      waiting: `waiting for the decision on ${tool}`,
      waits: `to allow ${tool}`,
    },
    signal,
  );
}

/**
 * A worker's `askMergeConflict` (a coding attempt's dependencies' branches conflict, with
 * `on_conflict: "ask"`): asked in the server's inbox (`workers.askMergeConflict`, the app's own
 * `merge_conflict` approval, naming the worktree on this machine where a person resolves it),
 * then waited on as a tool call is, with the same ends (the attempt stopped, `drop`).
 */
export function askMergeConflict(
  to: Asker,
  req: MergeConflictRequest,
  signal: AbortSignal,
): Promise<MergeConflictVerdict> {
  return askAndWait<MergeConflictVerdict>(
    to,
    'merge-conflicts',
    req,
    {
      asking: 'asking a person to resolve a merge conflict',
      waiting: 'waiting for the merge conflict to be resolved',
      waits: `to resolve the merge conflict in ${req.dir}`,
    },
    signal,
  );
}

/**
 * Asks the server (`<attempt>/<kind>`) and waits on the approval it filed (`…/<approval>/wait`)
 * in turns of WAIT_MS until a person decides; the ask may already carry the verdict (the same
 * question asked again finds its approval decided). `drop` from either stops the attempt.
 */
async function askAndWait<V>(
  to: Asker,
  kind: 'tool-calls' | 'merge-conflicts',
  question: object,
  words: { asking: string; waiting: string; waits: string },
  signal: AbortSignal,
): Promise<V> {
  const base = `${attemptPath(to)}/${kind}`;
  const attempt = to.held.attempt;
  const asked = await untilAnswered(to, words.asking, signal, () =>
    to.link.post<{ approval_id: string; verdict?: V | null } | { drop: DroppedAttempt }>(
      base,
      { attempt, ...question },
      signal,
    ),
  );
  if ('drop' in asked) return dropped(to, asked.drop.reason, signal);
  let verdict: V | null = asked.verdict ?? null;
  if (!verdict)
    to.say(`${to.name}: waiting for a person ${words.waits} (approval ${asked.approval_id} on the server)`);
  const wait = `${base}/${seg(asked.approval_id)}/wait`;
  while (!verdict) {
    const waited = await untilAnswered(to, words.waiting, signal, () =>
      to.link.post<{ verdict: V | null } | { drop: DroppedAttempt }>(
        wait,
        { attempt, wait_ms: WAIT_MS },
        signal,
      ),
    );
    if ('drop' in waited) return dropped(to, waited.drop.reason, signal);
    verdict = waited.verdict;
  }
  return verdict;
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
