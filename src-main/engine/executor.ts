import type { Agent, AgentKind, AgentOf, AnyCodingCli } from '../../src-shared/schemas/agent.ts';
import type {
  ConflictFile,
  MergeConflictVerdict,
  ToolCallDiff,
  ToolCallVerdict,
} from '../../src-shared/schemas/approval.ts';
import type { BestOfSummary } from '../../src-shared/schemas/best-of.ts';
import type { RunStatus, TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { LogStream, TaskRun } from '../../src-shared/schemas/run.ts';
import type { SandboxNarrowing } from '../../src-shared/schemas/sandbox.ts';
import type { PriceTable } from '../../src-shared/schemas/spend.ts';
import type { Step, StoredStep } from '../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../src-shared/schemas/usage-limit.ts';
import type { TaskSession, Workspace } from '../../src-shared/schemas/workspace.ts';
import type { MessageDelivery, MessageHow } from '../../src-shared/steering.ts';
import type { SecretResolver } from '../secrets/secrets.ts';
import type { SessionSpent } from '../store/steps-repo.ts';
import type { TurnHold } from './attempt-turns.ts';

// What an attempt may ask a person while it runs (the kinds asked inside an attempt, `ASKS` in
// approvals/kinds.ts, waited on at approvals/asks.ts): the executor's side of those questions.

/** One tool call an attempt wants a person to allow. */
export interface ToolCallRequest {
  call_id: string;
  tool: string;
  server: string | null;
  input: unknown;
  /** What the agent said so far in this loop, for the person deciding. */
  agent_text: string;
  /** Shown as the approval's reason (`mila wants to call fs/write_file`). */
  reason: string;
  /** The JSON Schema of the tool's arguments, which arguments a person edits must satisfy; absent when unknown. */
  input_schema?: Record<string, unknown> | null;
  /** The change an edit says it makes (an ACP tool call's `diff` content), for the inbox's preview. */
  diff?: ToolCallDiff | null;
  /**
   * The step the asker shows while the call waits (an ACP call's `awaiting_approval` step, also
   * in its stream): stored in the transaction that stores the card, so a crash between the two
   * cannot leave the card without the step. Absent: the call's latest step the attempt's stream
   * reported and no tick has stored yet, if any, is stored there instead.
   */
  shown?: Step;
}

/** A conflict a coding attempt asks a person to resolve in its worktree. */
export interface MergeConflictRequest {
  /** The task's worktree, where the merge waits. */
  dir: string;
  /** The files still unresolved, each with how git left it. */
  files: ConflictFile[];
  /** The dependency branch being merged. */
  merging: string;
  /** The task's branch it is merged into. */
  into: string;
  /** Every dependency branch the task starts from, in order. */
  from: string[];
  /** Set when a person said it was resolved but it is not: why it is asked again. */
  again?: string;
}

/** A host a sandboxed process of an attempt under the network policy `ask` was refused. */
export interface SandboxHostRequest {
  /** Whose allow list it would join: `workspace:<id>` (a coding attempt) or `agent:<id>`. */
  scope: string;
  /** The same in words: `workspace "app"`. */
  scope_label: string;
  /** `host:port`, as the sandbox's filter refused it. */
  host: string;
}

/**
 * The network policy `ask` for one attempt: the hosts people allowed for its workspace (or agent),
 * which its processes may reach when their policy says `unlisted: "ask"`, and how a refused host
 * is asked about (absent: not asked, as on a remote worker that cannot).
 */
export interface AttemptSandboxHosts {
  scope: string;
  scope_label: string;
  allowed: string[];
  /** Asks a person about a refused host, once per scope and host; nothing waits for the answer. */
  ask?: (host: string) => void;
}

/** A person's answer: resolved in the worktree (go on), or fail the attempt. */
export type { MergeConflictVerdict };

/** A person's words for a running attempt (`runs.say`): what they said, who, and when. */
export interface PersonMessage {
  text: string;
  /** The person's name, as the step records it. */
  by: string;
  at: string;
}

export type { MessageDelivery, MessageHow } from '../../src-shared/steering.ts';

/** Notes from Baton's memory found for a task's `inputs.memory_query` (`TaskContext.memory`). */
export interface MemoryFindings {
  query: string;
  hits: { id: string; agent_id: string; created_at: string; snippet: string | null; content: unknown }[];
}

/** What an agent is given: the task, who it is, and what its dependencies produced. */
export interface TaskContext<A extends Agent = Agent> {
  run_id: string;
  /**
   * Whose attempts its programs' process markers name (`attemptScope`: the data directory's);
   * this process's own when absent (`markerOf`).
   */
  marker_scope?: string;
  plan_id: string;
  project_id: string | null;
  task: TaskSpec;
  attempt: number;
  delegation_task_id: string;
  agent: A;
  /** Each dependency's status and output, and the files it left (artifacts), if any. */
  dependencies: {
    task_id: string;
    status: TaskStatus;
    output: unknown;
    artifacts?: { name: string; path: string; size: number; sha256: string }[];
  }[];
  /**
   * What Baton's memory holds on the task's `inputs.memory_query` (a string): the notes people and
   * agents wrote that match it, best first (at most 10, each content cut at 2,000 characters).
   * Absent when the task asks for none. How a research agent searches what Baton has stored.
   */
  memory?: MemoryFindings;
  /**
   * A fresh directory for this attempt, created (empty) by the engine. Files an agent leaves
   * here are reported as `artifact` events; `.baton/` inside it is Baton's own.
   */
  workspace: string;
  /** Looks up secrets by name (src-main/secrets/secrets.ts). Values never go into events. */
  secrets: SecretResolver;
  /**
   * The plan's narrowing of the OS sandbox its agents' processes run in (its `sandbox`): fewer
   * hosts and folders, more hidden, never more. Absent when the plan says nothing.
   */
  sandbox?: SandboxNarrowing;
  /** The hosts people allowed for this attempt's workspace or agent, and how to ask about another. */
  sandboxHosts?: AttemptSandboxHosts;
  /** For a coding agent: its workspace, the task's worktree and session (its kind's `prepare`). */
  coding?: CodingContext;
  /**
   * The steps this task's earlier attempts stored, in order (attempt, seq): an agent that thinks
   * in turns goes on from them instead of starting over (the LLM tool loop). Empty for a first attempt.
   */
  earlier_steps?: StoredStep[];
  /**
   * Asks a person about one tool call of this attempt and waits (an approval of kind
   * `tool_call`; the task stays `in_progress`). Rejects when `signal` aborts.
   */
  askToolCall?: (req: ToolCallRequest, signal: AbortSignal) => Promise<ToolCallVerdict>;
  /**
   * Asks a person to resolve a merge conflict in this attempt's worktree and waits (an approval
   * of kind `merge_conflict`, `on_conflict: "ask"`; the task stays `in_progress`). Rejects when
   * `signal` aborts.
   */
  askMergeConflict?: (req: MergeConflictRequest, signal: AbortSignal) => Promise<MergeConflictVerdict>;
  /**
   * Asked by an agent that thinks in model turns (the LLM tool loop, a coding CLI's metering
   * endpoint) before each model turn, with what this attempt has spent so far (USD): the reason
   * to stop when the plan's or its project's budget is used up — what the budget's runs were
   * charged, what their attempts running now have spent, this one's included, reaches it — or
   * null to go on. Absent when no budget holds the task (none set, or a person approved passing
   * it). An attempt stopped by it leaves its task waiting for a person's approval (kind `budget`).
   */
  budgetPassed?: (spent: number) => string | null;
  /**
   * Listens for a person's messages to this attempt while it runs (`runs.say`): `receive`
   * delivers one to the agent and says how it reaches it, or null once the agent takes none
   * (its last turn ended); `how` is what the task panel says before a message is sent. Returns
   * what stops listening; the attempt's end does too. Absent where nobody can speak to the
   * attempt (a remote worker's).
   */
  listen?: (
    receive: (m: PersonMessage) => MessageDelivery | null,
    how: MessageHow,
    /** How while a person holds the agent between turns (the words wait for its next), where that differs. */
    held?: MessageHow,
  ) => () => void;
  /**
   * A person's hold on the agent between its turns (Stop this turn, Pause: `runs.interrupt`,
   * `runs.pause`, `runs.resume`; docs/steering.md): a coding attempt's route says how to stop
   * its running turn, and waits where a turn ends while held. Absent beside `listen`.
   */
  turns?: TurnHold;
}

/** Where a coding agent's attempt works, and whether it goes on with an earlier attempt's CLI session. */
export interface CodingContext {
  workspace: Workspace;
  /** The task's worktree folder (made, or an earlier attempt's reused) and branch (`baton/<run>/<task>`). */
  dir: string;
  branch: string;
  /** Where Baton writes the CLI's own config and session store (with a provider), kept across the task's attempts. */
  home: string;
  /** The task's session so far (an earlier attempt's worktree and CLI session id), if any. */
  session: TaskSession | null;
  /** Go on with an earlier attempt instead of starting over; null for a first attempt or a retry after a failure. */
  resume: ResumeRequest | null;
  /** What the resumed CLI session spent before this attempt (the stream parser's `prior`). */
  prior: SessionSpent;
  /**
   * The prices its calls are priced from (Baton's table with the prices people set, as in effect
   * when the attempt starts; the agent's own `prices` go over it); Baton's table when absent.
   */
  prices?: PriceTable;
  /** The CLI's process-tree marker (`BATON_ATTEMPT`), so a Baton that died leaves processes it can find. */
  marker: string;
  /** When the dependencies' branches do not merge. */
  on_conflict: 'fail' | 'ask';
  /** The worktree's block of ports (`PORT`, `BATON_PORTS` for its agent, setup and checks); absent: none. */
  ports?: { first: number; count: number } | null;
  /** The workspace's parked worktrees (worktree-pool.ts), one of which a new worktree is taken from; null: none kept. */
  pool: string | null;
  /**
   * A retry after an attempt of this task that ended without finishing (failed, timed out,
   * stopped at its spend cap): that attempt, and how it ended. Its work is in the worktree, and
   * this attempt starts from it unless `start_clean`.
   */
  earlier?: { attempt: number; ended: string } | null;
  /** A person asked this retry to start from the task's start: what earlier attempts left is discarded. */
  start_clean?: boolean;
  /**
   * What people undid in the worktree since the attempt before ended (a revert to a turn's
   * checkpoint, docs/checkpoints.md), in their words: this attempt's prompt tells the agent.
   */
  undone?: string[];
  /**
   * One candidate of a best-of attempt (its number): what the attempt as a whole says once (the
   * user's checkout's uncommitted changes) it does not say again.
   */
  candidate?: number;
  /**
   * The attempt before, interrupted by a restart of Baton, had its agent end well and its work
   * committed, and was running the workspace's checks: this attempt runs them again without the
   * agent. Its final text, and the fix rounds it had used.
   */
  checking?: { summary: string; rounds: number } | null;
  /**
   * Best of N (`attempts` of 2 or more on the task, a fresh attempt): the agent of each candidate
   * in order, the judge if the task names one, and where the candidates are recorded (in the app:
   * `best_of_candidates`). Absent: one attempt, as always.
   */
  /**
   * A fix round of the work's pull request whose base moved and conflicts: the base branch and
   * commit merged into the task's branch in its worktree before the agent goes on. What conflicts
   * is left with git's markers for the agent to resolve (Baton concludes the merge when it
   * finishes), or with `ask` (`on_conflict: "ask"`) resolved first by a person (a
   * `merge_conflict` approval). Absent: none.
   */
  base_merge?: { branch: string; commit: string; ask: boolean } | null;
  best_of?: {
    agents: AgentOf<'coding'>[];
    judge: AgentOf<'llm'> | null;
    record?: (summary: BestOfSummary) => void;
  } | null;
}

/**
 * Why an attempt goes on with an earlier one: Baton restarted while it worked (`interrupted`),
 * a reviewer asked for changes to its diff (`changes_requested`, with the comments), or a person
 * resumed the work an earlier run kept of this task (`kept_work`: that run, its last attempt and
 * how it ended). With a `session_id` the CLI resumes that session; without one (the CLI had not
 * named it yet, or another agent takes the task) a new session starts in the same worktree,
 * told what happened.
 */
export type ResumeRequest = { session_id: string | null } & (
  | { reason: 'interrupted' }
  | { reason: 'kept_work'; run_id: string; attempt: number; ended: string }
  /** The workspace's checks failed on the work the agent just finished: what failed, said for it. */
  | { reason: 'checks_failed'; prompt: string }
  /** The work's pull request asked for a fix (its CI checks failed, a reviewer asked for changes): what it asked, said for it. */
  | { reason: 'pr_feedback'; prompt: string }
  | {
      reason: 'changes_requested';
      comment: string;
      line_comments: { path: string; line: number; side?: 'old' | 'new'; body: string }[];
    }
);

export type ExecutorEvent =
  | { type: 'progress'; percent: number; message?: string }
  | { type: 'log'; stream: LogStream; text: string }
  /** A file the agent produced: `name` relative to the workspace, `path` absolute. */
  | { type: 'artifact'; name: string; path: string; size: number; sha256: string }
  /** Tokens a model used for this attempt and what they cost (from the agent's price table). */
  | { type: 'usage'; prompt_tokens: number; completion_tokens: number; cost: number; model: string }
  /**
   * A step of an agent that thinks in turns (`src-shared/schemas/step.ts`): stored for the
   * attempt (a step again under its seq replaces it) and shown live. A `usage` step's cost
   * counts toward the attempt's charge, as a `usage` event's does. The executor is not asked for
   * its next event until the step is stored (committed): what it does next comes after it.
   */
  | { type: 'step'; step: Step }
  /** A coding task's worktree, and its CLI's session id once printed: stored at once, so a crash can resume it. */
  | { type: 'session'; session: SessionNote }
  | { type: 'result'; output: unknown }
  /**
   * The attempt failed; with `limit`, because its agent's account hit a usage or rate limit
   * (`usageLimited`): the attempt ends waiting for quota, not failed, and uses none of the retries.
   */
  | { type: 'error'; message: string; limit?: UsageLimitSignal };

/**
 * The limit signal, as an executor raises it: its last event (`yield usageLimited(…)`), or thrown
 * (`throw new UsageLimited(…)`). The engine marks every agent on the account limited until the
 * reset, and the task follows its `on_limit` (wait, fail over, fail).
 */
export function usageLimited(limit: UsageLimitSignal): ExecutorEvent {
  return { type: 'error', message: `usage limit: ${limit.message}`, limit };
}

/** The limit signal thrown from inside an executor (its attempt ends as `usageLimited` says). */
export class UsageLimited extends Error {
  readonly limit: UsageLimitSignal;
  constructor(limit: UsageLimitSignal) {
    super(`usage limit: ${limit.message}`);
    this.name = 'UsageLimited';
    this.limit = limit;
  }
}

/** What a coding executor tells of its task's session (`task_sessions`; the run, task, agent and attempt are the attempt's). */
export interface SessionNote {
  workspace_id: string;
  cli: AnyCodingCli;
  dir: string;
  branch: string;
  start_commit: string;
  session_id: string | null;
  home: string | null;
}

/** The final event of an attempt whose signal was aborted. */
export const CANCELLED: ExecutorEvent = { type: 'error', message: 'cancelled' };

/**
 * One interface for every kind of agent that runs without a person.
 *
 * The contract:
 * - `start` yields any number of `progress`, `log`, `artifact` and `usage` events, then
 *   exactly one `result` or `error`, and then ends. Nothing comes after the final event.
 * - Expected failures (the agent failed, a server said no, bad output) are `error` events;
 *   `start` throws only on a bug.
 * - Aborting `signal` stops the work promptly: processes are killed, requests are aborted,
 *   and the executor yields `error` `cancelled`. The engine aborts both to cancel and on the
 *   per-task timeout, and knows which of the two it did.
 * - No secret value appears in any event: executors redact the secrets they used.
 */
export interface Executor {
  start(ctx: TaskContext, signal: AbortSignal): AsyncIterable<ExecutorEvent>;
  /** False for executors that never touch the workspace: the engine then skips creating it. */
  readonly usesWorkspace?: boolean;
  /**
   * Its attempts are work inside Baton's own process with no effect outside it (echo): one starts
   * as soon as its tick is handed to the store's writer, not once the tick is on disk. A crash
   * then loses the attempt with the tick that started it, and nobody ever saw either.
   */
  readonly endsWithProcess?: boolean;
  /**
   * False for executors that never yield `usage` (or a step with a cost): an attempt of theirs is
   * charged its estimate (else the agent's cost per task) and nothing more, so a task costing 0
   * there costs nothing and never waits on a budget. Absent: it may, as models do.
   */
  readonly reportsUsage?: boolean;
  /**
   * False for executors whose steps record what was done elsewhere (a coding CLI has done what
   * its stream says before Baton reads a line of it): their steps are stored with the tick's
   * other changes, and the executor is not held until each one commits. Absent: each step is
   * stored before the executor is asked for its next event (a tool loop must not call a tool
   * whose step is not stored yet).
   */
  readonly awaitsSteps?: boolean;
  /**
   * Makes what an attempt of this kind needs besides the task (a coding agent: its workspace,
   * worktree and session), read in the tick that starts it; or why it cannot run, which fails the
   * attempt. The request and the clean start it was handed are used up only when it answers a context.
   */
  prepare?(setup: AttemptSetup): PreparedAttempt;
  /**
   * Told when a task of a run executed here reaches a final status (done, failed, cancelled,
   * skipped, unassigned), once that is stored: whatever its agent's kind, as a session note
   * another kind's executor sent is still this kind's to clean up. A failed task may still be
   * retried in its run (and is told again when it ends again). A hook that throws is logged; the
   * task's end stands.
   */
  onTaskEnded?(end: TaskEnded): void;
  /**
   * Told when a run executed here ends, once that is stored (not when another process takes it
   * over). A hook that throws is logged; the run's end stands.
   */
  onRunEnded?(end: RunEnded): void;
  /**
   * What a task's output names that a decider should read (a coding task's changed files), read
   * after the transaction commits into `into` (by name); null when the output is not this kind's.
   */
  outputFiles?(task: TaskRun): ((into: Record<string, string>) => Promise<void>) | null;
}

/** What the engine knows when an attempt starts, for the kind's own context (`Executor.prepare`). */
export interface AttemptSetup {
  run_id: string;
  plan: Plan;
  spec: TaskSpec;
  task: TaskRun;
  agent: Agent;
  /** Whose attempts the programs' process markers name (the store's `attemptScope`). */
  marker_scope: string;
  /** What a reviewer asked of this attempt (changes to its diff), if anything. */
  asked: ResumeRequest | undefined;
  /** A person asked this retry to start from the task's start. */
  start_clean: boolean;
}

/** What `Executor.prepare` answers: the attempt's context, or why it cannot run. */
export type PreparedAttempt = { coding?: CodingContext } | { error: string };

/** What the engine knows at a task's end (`Executor.onTaskEnded`). */
export interface TaskEnded {
  run_id: string;
  task_id: string;
  status: TaskStatus;
  /** The agent that ended it (null: a person, or an agent no longer registered). */
  agent: Agent | null;
  /** The task stored a session note in this run (`ExecutorEvent` `session`: a worktree). */
  session: boolean;
  /** Resolves once no attempt of the task runs in this process any more. */
  stopped(): Promise<void>;
}

/** What the engine knows at a run's end (`Executor.onRunEnded`). */
export interface RunEnded {
  run_id: string;
  status: RunStatus;
  /** The run was taken up from the store (a restart, a takeover), not begun by this process. */
  resumed: boolean;
  /** Resolves once no attempt of the run runs in this process any more. */
  stopped(): Promise<void>;
}

/** Kinds that run through an executor. `human` agents are handled by the engine itself. */
export type ExecutingKind = Exclude<AgentKind, 'human'>;

export function isExecutingKind(kind: AgentKind): kind is ExecutingKind {
  return kind !== 'human';
}

/**
 * One executor per executing kind. Narrow `agent.kind` first (`isExecutingKind`, or a branch
 * for `human`), then `executors[agent.kind]` is always defined.
 */
export type ExecutorRegistry = { [K in ExecutingKind]: Executor };

/**
 * Builds an executor for one kind whose implementation sees `ctx.agent` already narrowed to
 * that kind and is not started when the signal is already aborted (the attempt is
 * `cancelled`). Handed an agent of another kind (a wiring bug), it fails the attempt.
 */
export function executorFor<K extends ExecutingKind>(
  kind: K,
  start: (ctx: TaskContext<AgentOf<K>>, signal: AbortSignal) => AsyncIterable<ExecutorEvent>,
): Executor {
  return {
    async *start(ctx, signal) {
      if (!isKind(ctx, kind)) {
        yield { type: 'error', message: `the ${kind} executor cannot run a ${ctx.agent.kind} agent` };
        return;
      }
      if (signal.aborted) {
        yield CANCELLED;
        return;
      }
      yield* start(ctx, signal);
    },
  };
}

function isKind<K extends ExecutingKind>(ctx: TaskContext, kind: K): ctx is TaskContext<AgentOf<K>> {
  return ctx.agent.kind === kind;
}
