import { z } from 'zod';
import type { Checkpoint, CheckpointDiff, TurnReverted } from '../../schemas/checkpoint.ts';
import { checkpointRefSchema } from '../../schemas/checkpoint.ts';
import type { Landing } from '../../schemas/landing.ts';
import { landRequestSchema } from '../../schemas/landing.ts';
import type {
  Artifact,
  ProgressEntry,
  Run,
  RunDetail,
  SpendReport,
  StartedRun,
  TaskAttempt,
  TaskLogLine,
  TaskRun,
} from '../../schemas/run.ts';
import { addedTaskSchema, startRunInputSchema, taskRefSchema } from '../../schemas/run.ts';
import type { StoredStep } from '../../schemas/step.ts';
import type { ChangedFile, TaskSession } from '../../schemas/workspace.ts';
import type { MessageHow, TurnControlled, TurnState } from '../../steering.ts';
import { actorField, byId, idField } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const runMethods = {
  /**
   * The build: starts a run of a stored plan and answers with the delegations so far, the
   * run with its tasks and its build log. `actor` (who starts it) is the run's `started_by`.
   */
  'runs.start': method(startRunInputSchema).returns<StartedRun>(),
  'runs.list': method(z.strictObject({ plan_id: z.string().optional() })).returns<Run[]>(),
  'runs.get': method(byId('run_id')).returns<RunDetail>(),
  /** Cancels every task not ended; `actor` (who asked; "user" when absent) is recorded in the audit log. */
  'runs.cancel': method(byId('run_id').extend({ actor: actorField.optional() })).returns<Run>(),
  /** A new run from one task of a finished run: it and its downstream run again, finished work upstream is reused. Retries a failed task. */
  'runs.rerun': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<StartedRun>(),
  /**
   * Retries a failed or unassigned task inside its run while the run executes (as Airflow clears a
   * task): one more attempt; tasks skipped because of it wait again. `actor` is recorded. A run
   * that ended, a task that did not fail, or one whose dependents already acted on the failure is
   * a `conflict` saying what to do instead (`runs.rerun`).
   */
  'runs.retryTask': method(
    taskRefSchema.extend({
      actor: actorField.optional(),
      /**
       * A coding task's next attempt starts from its start (the base branch, or its dependencies'
       * branches), not from what the attempt that failed left in its worktree (the default).
       */
      start_clean: z.boolean().default(false),
    }),
  ).returns<TaskRun>(),
  /**
   * A person's words to a task's running agent, delivered by its own means (Claude Code's open
   * stdin into this turn; an ACP agent's or another CLI's next turn; an llm agent's next model
   * call) and recorded as a step with their name (`actor`, else the caller). A task not running
   * is a `conflict` saying how it stands. docs/steering.md.
   */
  'runs.say': method(
    taskRefSchema.extend({
      text: z.string().trim().min(1, 'say something').max(20_000),
      actor: actorField.optional(),
    }),
  ).returns<{ run_id: string; task_id: string; attempt: number } & MessageHow>(),
  /** How the task's running agent takes a message now (`runs.say`), or null when it takes none. */
  'runs.listening': method(taskRefSchema).returns<MessageHow | null>(),
  /**
   * Stop this turn: the task's running agent's turn is stopped by its own means (Claude Code's
   * `interrupt`, ACP's `session/cancel`) without ending the attempt; the agent then waits for the
   * person's next words (`runs.say`) or `runs.resume`. Recorded as a step with their name (`actor`,
   * else the caller) and in the audit log. A task not running, or an agent with no turn that can
   * be stopped now, is a `conflict` saying how it stands. docs/steering.md.
   */
  'runs.interrupt': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<TurnControlled>(),
  /**
   * Pause: the running turn stopped as by `runs.interrupt`, and the agent held, stored, across
   * restarts of Baton, until `runs.resume`: it gets no next turn meanwhile (a person's messages wait
   * for it). Recorded as `runs.interrupt` is.
   */
  'runs.pause': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<TurnControlled>(),
  /** Resume: a paused agent, or one whose turn was stopped, goes on with its next turn (the messages held for it, else told to go on). */
  'runs.resume': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<TurnControlled>(),
  /** How the task's agent is held now (stopped, paused by whom) and whether its turn can be stopped. */
  'runs.turns': method(taskRefSchema).returns<TurnState>(),
  /** Cancels one task; `actor` as for `runs.cancel`. The run ends cancelled when nothing else failed. */
  'runs.cancelTask': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<TaskRun>(),
  'runs.taskLogs': method(
    taskRefSchema.extend({
      after_id: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000).default(1_000),
    }),
  ).returns<TaskLogLine[]>(),
  'runs.taskProgress': method(taskRefSchema).returns<ProgressEntry[]>(),
  'runs.taskArtifacts': method(taskRefSchema).returns<Artifact[]>(),
  /** Every attempt of a task, first to latest: its agent, when it ran and how it ended. */
  'runs.taskAttempts': method(taskRefSchema).returns<TaskAttempt[]>(),
  /**
   * An artifact's content: text as UTF-8, anything else (or everything, with `encoding: 'base64'`)
   * as base64; at most 1 MB from `offset` on, `truncated` when the file goes on (read the rest
   * from `offset` + the bytes sent, in base64 so no character is cut in two).
   */
  'runs.readArtifact': method(
    z.strictObject({
      artifact_id: z.number().int().min(1),
      offset: z.number().int().min(0).default(0),
      encoding: z.enum(['auto', 'base64']).default('auto'),
    }),
  ).returns<{
    artifact: Artifact;
    encoding: 'utf8' | 'base64';
    content: string;
    truncated: boolean;
  }>(),
  /**
   * How a run stands in the process that answers: whether it executes the run here, and what its
   * open tasks wait for when nothing in this process will move it on by itself (approvals, human
   * or daemon agents, agents offline), else null. `baton run` follows its run with this.
   */
  'runs.waiting': method(byId('run_id')).returns<RunWaiting>(),
  /**
   * Adds a task to a run executing in the process that answers, past the decider's guardrails (its
   * cap on added tasks, shared with the decider: the plan's `decider.max_created_tasks`, else 20;
   * no task twice), with an id new to the run whose dependencies are tasks of it. `actor` (who adds
   * it) goes in the audit log. A taken id, the cap and a repeat are `conflict`s; an unknown
   * dependency is `invalid_input` naming it.
   */
  'runs.addTask': method(
    z.strictObject({ run_id: idField, actor: actorField, task: addedTaskSchema }),
  ).returns<TaskRun>(),
  'runs.spend': method(
    z.strictObject({ scope: z.enum(['run', 'plan', 'project']), id: z.string().min(1).max(200) }),
  ).returns<SpendReport>(),
  /** What an agent that thinks in turns (a coding agent) did: a task's steps, every attempt or one, in order. */
  'runs.steps': method(taskRefSchema.extend({ attempt: z.number().int().min(1).optional() })).returns<
    StoredStep[]
  >(),
  /**
   * A coding task's checkpoints (docs/checkpoints.md): its worktree after each turn of its agent
   * that changed files, every attempt's (or one's), by attempt then turn. Empty for a task whose
   * branch is gone or that has none.
   */
  'runs.checkpoints': method(taskRefSchema.extend({ attempt: z.number().int().min(1).optional() })).returns<
    Checkpoint[]
  >(),
  /** One checkpoint's changes against the one before (turn 0: against the branch's tip then). */
  'runs.checkpointDiff': method(checkpointRefSchema).returns<CheckpointDiff>(),
  /**
   * A coding task's worktree put back exactly as it was at a checkpoint: files changed since
   * written back, files made since deleted (ignored files are left alone). Only while no attempt
   * of the task runs (a turn may be writing): once it ended, failed or waits for a review. Recorded
   * as a step of its last attempt and in the audit log under `actor`'s name; its next attempt
   * (request changes, a retry) is told what was undone. `conflict` while it runs.
   */
  'runs.revertToTurn': method(
    checkpointRefSchema.extend({ actor: actorField.optional() }),
  ).returns<TurnReverted>(),
  /** The run's coding tasks: worktree, branch, CLI session, and whether the worktree is kept or removed. */
  'runs.sessions': method(byId('run_id')).returns<TaskSession[]>(),
  /**
   * Keeps a coding task's worktree after its run ends (`keep: false` lets it go again, removed
   * with the run's others; at once when the run has ended). A removed worktree cannot be kept.
   */
  'runs.keepWorktree': method(taskRefSchema.extend({ keep: z.boolean() })).returns<TaskSession>(),
  /**
   * The work a coding task's branch was kept with when its run ended without the task done
   * (`TaskSession.kept_work`): its session, the branch's tip now, the work-in-progress commit's
   * message, and what the branch changed since the task's start (files, +/-, the unified diff, cut
   * at 1 MB). A task without kept work is `not_found`.
   */
  'runs.keptWork': method(taskRefSchema).returns<KeptWorkDetail>(),
  /**
   * Resumes a task's kept work: a re-run from that task (as `runs.rerun`) whose attempt goes on
   * from its branch, in the same worktree folder and, when the same agent takes it, the same CLI
   * session. Refused (`conflict`) when the work was resumed or discarded already, or its branch is
   * gone.
   */
  'runs.resumeWork': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<StartedRun>(),
  /**
   * Discards a task's kept work: its branch is deleted (and a worktree still kept for it removed),
   * after the person confirmed. Refused when the branch is checked out elsewhere or was resumed.
   */
  'runs.discardWork': method(taskRefSchema).returns<TaskSession>(),
  /**
   * Merges an ended run's final branches (its done coding tasks' branches that no other of its
   * coding tasks built on) into `target` in each workspace, after a person confirmed: `ff`
   * fast-forwards when it can, `merge` always makes merge commits. The person's checkout is
   * never touched; a conflict moves nothing and names the files.
   */
  'runs.mergeBranches': method(
    byId('run_id').extend({
      target: z.string().min(1).max(255),
      mode: z.enum(['ff', 'merge']).default('ff'),
      /**
       * Make `target` a new branch in each workspace, from its base branch (refused when a
       * branch of that name exists). Default: `target` is a branch that exists.
       */
      create: z.boolean().default(false),
    }),
  ).returns<MergeReport[]>(),
  /**
   * Where a run's work landed (its plan's `land`): each branch pushed, its pull request's
   * number, address and state (open, merged with its merge commit, closed, gone), or why it failed.
   * Without `run_id`, the newest 500 landings of every run (the Runs screen).
   */
  'runs.landings': method(z.strictObject({ run_id: z.string().min(1).max(200).optional() })).returns<
    Landing[]
  >(),
  /**
   * Lands a run that has ended as its plan says (done by itself when a run completes): again after
   * a failure (a token set since, a remote fixed); what landed already is not pushed or opened twice.
   * With `how`, a person lands it now whatever its plan's `land` says: the run's work once it has
   * ended, or one done coding task's branch (`task_id`) at any time, pushed or proposed as a pull
   * request against `base` (default: the remote's base branch), titled `title`, opened as a draft
   * (`draft`: readied once its checks pass). `actor` is recorded in the audit log.
   */
  'runs.land': method(landRequestSchema).returns<Landing[]>(),
};

/** What `runs.mergeBranches` did in one workspace. */
export type MergeReport =
  | {
      workspace_id: string;
      ok: true;
      target: string;
      /** The base branch a new target was made from; null when the target existed. */
      created_from: string | null;
      before: string;
      after: string;
      steps: { branch: string; how: 'fast-forward' | 'merge' | 'already-merged' }[];
    }
  | {
      workspace_id: string;
      ok: false;
      target: string;
      /** The branch that did not merge, the files in conflict, git's words, and those merged before it (not kept either). */
      conflict: { branch: string; files: string[]; messages: string[]; merged_before: string[] };
    };

/** What `runs.keptWork` answers. */
export interface KeptWorkDetail {
  session: TaskSession;
  /** Where the branch points now (a person may have committed on it since); null when it is gone. */
  tip: string | null;
  /** The work-in-progress commit's message; null when the agent's own commits hold the work. */
  message: string | null;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** The unified diff from the task's start to the tip, cut at 1 MB (`truncated_note` says so). */
  patch: string;
  truncated_note: string | null;
}

/** What `runs.waiting` answers. */
export interface RunWaiting {
  executing_here: boolean;
  /** The run's open tasks when only people (or agents coming online) can move it on; else null. */
  waiting_for_people: TaskRun[] | null;
}

export type RunHandlers = HandlersOf<typeof runMethods>;
