import { askAndWait } from '../../../src-shared/contract/ask-and-wait.ts';
import type { InboxAsked, InboxWaited } from '../../../src-shared/contract/domains/inbox.ts';
import { TOOL_CALL_DIFF_MAX } from '../../../src-shared/contract/domains/inbox.ts';
import type { HeldAttempt } from '../../../src-shared/contract/domains/workers.ts';
import type { MergeConflictVerdict, ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';
import type { MergeConflictRequest, ToolCallRequest } from '../../engine/executor.ts';
import { backoffMs, describe, transient } from './retry.ts';
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
 * call is asked in the server's approvals inbox (`…/tool-calls`, `inbox.ask`: the same approval,
 * card, notifications and webhooks as the app's own loop), then waited on in turns of 15 s
 * (`…/wait`, `inbox.wait`) until a person decides. The verdict is the app's, so edited
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
  return askOnServer<ToolCallVerdict>(
    to,
    'tool-calls',
    {
      call_id: req.call_id,
      tool: req.tool,
      server: req.server,
      input,
      agent_text: req.agent_text,
      ...(req.input_schema ? { input_schema: req.input_schema } : {}),
      // The reason and the edit's diff the attempt gave (an ACP agent's title and change), as in the app.
      ...(req.reason ? { reason: req.reason.slice(0, 2_000) } : {}),
      ...(req.diff &&
      req.diff.new_text.length <= TOOL_CALL_DIFF_MAX &&
      (req.diff.old_text?.length ?? 0) <= TOOL_CALL_DIFF_MAX
        ? { diff: req.diff }
        : {}),
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
 * `on_conflict: "ask"`): asked in the server's inbox (`…/merge-conflicts`, the app's own
 * `merge_conflict` approval, naming the worktree on this machine where a person resolves it),
 * then waited on as a tool call is, with the same ends (the attempt stopped, `drop`).
 */
export function askMergeConflict(
  to: Asker,
  req: MergeConflictRequest,
  signal: AbortSignal,
): Promise<MergeConflictVerdict> {
  return askOnServer<MergeConflictVerdict>(
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
 * A worker's `sandboxHosts.ask` (a process of its attempt was refused a host under the network
 * policy `ask`): asked in the server's inbox (`…/sandbox-hosts`, one approval per workspace or
 * agent and host). Nothing waits for the answer (the connection was refused already); a failed
 * ask is said, and the attempt goes on. Resolves once asked (the attempt completes after that,
 * so the server still holds it running when the question comes).
 */
export function askSandboxHost(
  to: Asker,
  hosts: { scope: string; scope_label: string },
  host: string,
): Promise<void> {
  const question = { scope: hosts.scope, scope_label: hosts.scope_label, host };
  return to.link
    .post<InboxAsked>(`${attemptPath(to)}/sandbox-hosts`, { attempt: to.held.attempt, ...question })
    .then((r) => {
      if ('approval_id' in r)
        to.say(`${to.name}: asked a person to allow ${host} (approval ${r.approval_id} on the server)`);
    })
    .catch((err: unknown) => to.say(`${to.name}: could not ask about ${host}: ${describe(err)}`));
}

/**
 * Asks the server (`<attempt>/<kind>`) and waits on the approval it filed (`…/<approval>/wait`)
 * in turns of WAIT_MS until a person decides (`askAndWait`, the one wait loop of every asker);
 * the ask may already carry the verdict (the same question asked again finds its approval
 * decided). `drop` from either stops the attempt. The network or a restarting server is waited
 * out with backoff; a refusal that will not pass (the approval is not this task's, a bug) fails
 * the loop with it.
 */
async function askOnServer<V>(
  to: Asker,
  kind: 'tool-calls' | 'merge-conflicts',
  question: object,
  words: { asking: string; waiting: string; waits: string },
  signal: AbortSignal,
): Promise<V> {
  const base = `${attemptPath(to)}/${kind}`;
  const attempt = to.held.attempt;
  const verdict = await askAndWait({
    ask: () => to.link.post<InboxAsked>(base, { attempt, ...question }, signal),
    wait: (id, wait_ms) => to.link.post<InboxWaited>(`${base}/${seg(id)}/wait`, { attempt, wait_ms }, signal),
    turnMs: WAIT_MS,
    signal,
    turn: (id, turn) => {
      if (turn === 1)
        to.say(`${to.name}: waiting for a person ${words.waits} (approval ${id} on the server)`);
    },
    failed: (err, failures, call) => {
      const what = call === 'ask' ? words.asking : words.waiting;
      if (!transient(err)) throw new Error(`${what}: ${describe(err)}`);
      const pause = backoffMs(failures);
      to.say(`${to.name}: ${what}: ${describe(err)}; trying again in ${(pause / 1000).toFixed(1)} s`);
      return pause;
    },
    stopped: () => abortReason(signal),
    dropped: (drop) => {
      // The server says the attempt is not the worker's any more: it is stopped, and the loop ends.
      to.drop(drop.reason);
      return signal.aborted ? abortReason(signal) : new Error(`dropped: ${drop.reason}`);
    },
  });
  // The server answers the verdict of the question's kind.
  return verdict as V;
}

/** The worker API's path of the attempt's task. */
function attemptPath(to: Asker): string {
  const { held } = to;
  return `/api/v1/workers/${seg(to.workerId)}/tasks/${seg(held.run_id)}/${seg(held.task_id)}`;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the attempt was stopped');
}
