import { z } from 'zod';
import type { Agent, AgentStatus } from '../../schemas/agent.ts';
import { boundedJsonSchema, rangeEdgeSchema, skillSchema } from '../../schemas/common.ts';
import { boundedRecordSchema } from '../../schemas/free-json.ts';
import type { TaskStatus } from '../../schemas/plain/run.ts';
import type { TaskSpec } from '../../schemas/plan.ts';
import { PRIORITIES } from '../../schemas/plan.ts';
import type { AgentExecutionStats, TaskRun } from '../../schemas/run.ts';
import { taskRefSchema } from '../../schemas/run.ts';
import type { SandboxNarrowing } from '../../schemas/sandbox.ts';
import { actorField } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

const agentRef = z.strictObject({ agent_id: z.string().min(1).max(200) });
const agentTask = agentRef.extend(taskRefSchema.shape);
/** The attempt a report is about: one that is no longer the task's (its lease lapsed) is refused. */
const attemptRef = z.number().int().min(1).optional();
/**
 * The lease a remote worker's agent was handed with the attempt (`work.execute`'s `lease`,
 * `workers.claim`'s tasks): with the attempt, the fencing token. Given, a report or completion
 * under another lease (the attempt's lease was given away) is refused.
 */
export const leaseRef = z.number().int().min(1).optional();

/** Files an agent (or person) hands in with a completion; they become the task's artifacts. */
export const handedFilesSchema = z
  .array(
    z.strictObject({
      name: z
        .string()
        .min(1)
        .max(200)
        // Names people give files ("report (final).txt", "Übersicht.pdf"), never a path.
        .regex(
          /^[\p{L}\p{N}._()[\]+,@'&#-][\p{L}\p{N} ._()[\]+,@'&#-]*$/u,
          "a plain file name: letters, digits, spaces and . _ - ( ) [ ] + , @ ' & #, no folders",
        )
        .refine((n) => n !== '.' && n !== '..', 'a plain file name, not . or ..'),
      content: z.string().max(10_000_000),
      encoding: z.enum(['utf8', 'base64']).default('utf8'),
    }),
  )
  .max(50);

/** The pull API: how agents on other machines (daemons) take and report work. */
export const workMethods = {
  'work.selectNext': method(
    agentRef.extend({
      run_id: z.string().max(200).optional(),
      plan_id: z.string().max(200).optional(),
      /** Only tasks of this priority or higher (the pull API's priority limit). */
      min_priority: z.enum(PRIORITIES).optional(),
      /** Only tasks tagged with every one of these (the pull API's `requireTags`). */
      require_tags: z.array(skillSchema).max(32).optional(),
      /** Offer up to this many tasks, best first, in `tasks` (`task` is the first); 1 by default. */
      limit: z.number().int().min(1).max(100).optional(),
      /** Long-poll: with no task to offer, wait up to this many seconds for one (0–25; default 0). */
      wait_s: z.number().min(0).max(25, 'wait_s must be at most 25 seconds').optional(),
    }),
  ).returns<{ task: PulledTask | null; tasks?: PulledTask[]; reason?: string }>(),
  'work.context': method(agentTask).returns<PreparedContext>(),
  'work.execute': method(agentTask).returns<{
    status: 'in_progress' | 'blocked' | 'awaiting_approval';
    error?: string;
    context?: PreparedContext;
    /** For a remote worker's agent: the lease it holds the attempt under (give it with `progress` and `complete`). */
    lease?: number;
  }>(),
  'work.progress': method(
    agentTask.extend({
      progress: z
        .number({ message: 'Progress must be a number between 0 and 100' })
        .min(0, 'Progress must be between 0 and 100')
        .max(100, 'Progress must be between 0 and 100'),
      message: z.string().max(2_000).optional(),
      metadata: boundedRecordSchema.optional(),
      attempt: attemptRef,
      lease: leaseRef,
    }),
  ).returns<TaskRun>(),
  'work.complete': method(
    agentTask.extend({
      status: z.enum(['completed', 'failed']),
      attempt: attemptRef,
      lease: leaseRef,
      output: boundedJsonSchema.optional(),
      error: z.string().max(20_000).optional(),
      /** Files the agent (or person) produced; they become the task's artifacts. */
      files: handedFilesSchema.optional(),
    }),
  ).returns<{ task: TaskRun; unblocked: string[] }>(),
  /** A person's (or daemon's) inbox: ready tasks they can take, and tasks they hold. */
  'work.inbox': method(agentRef).returns<{ ready: PulledTask[]; in_progress: TaskRun[] }>(),
  /**
   * Everyone's tasks: every task waiting for a person (a human agent could take it) and every
   * task a person holds, with the people (human agents) who could take each.
   */
  'work.team': method(z.strictObject({})).returns<TeamTasks>(),
  /**
   * A task waiting for a person, or held by one, handed to another person (a human agent with
   * its skills): it is theirs at once, in progress; a holder's attempt ends as given back.
   * `actor` (who hands it on; "user" when absent) is recorded in the audit log.
   */
  'work.reassign': method(
    taskRefSchema.extend({
      to_agent_id: z
        .string({ message: 'say who takes the task: a person (human agent)' })
        .min(1, 'say who takes the task: a person (human agent)')
        .max(200),
      actor: actorField.optional(),
      note: z.string().trim().max(2_000, 'the note must be at most 2000 characters').optional(),
    }),
  ).returns<Handoff>(),
  /**
   * A task the agent holds goes back to the queue for someone else: its attempt ends as given
   * back (not failed; it uses none of the task's retries). `actor` as for `work.reassign`.
   */
  'work.giveBack': method(
    agentTask.extend({
      attempt: attemptRef,
      actor: actorField.optional(),
      note: z.string().trim().max(2_000, 'the note must be at most 2000 characters').optional(),
    }),
  ).returns<Handoff>(),
  'work.stats': method(
    agentRef.extend({ start: rangeEdgeSchema('start').optional(), end: rangeEdgeSchema('end').optional() }),
  ).returns<AgentExecutionStats>(),
};

/** A ready task offered to a pulling agent. */
export interface PulledTask {
  run_id: string;
  plan_id: string;
  task_id: string;
  description: string;
  required_skills: string[];
  priority: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  deadline: string | null;
  /** The task's tags (`require_tags` selects by them). */
  tags: string[];
  score: number;
  /** When it last changed status: since then it has waited, ready, for someone to take it. */
  ready_since: string | null;
}

/** A person as the team view shows them: a human agent, and how many tasks they hold. */
export interface TeamPerson {
  id: string;
  name: string | null;
  status: AgentStatus;
  skills: string[];
  /** Tasks they hold now, and how many they may hold at once. */
  holds: number;
  max_concurrency: number;
}

/** A task waiting for a person to take it (`ready`), or held by one (`in_progress`). */
export interface PersonTask {
  run_id: string;
  plan_id: string;
  task_id: string;
  description: string;
  required_skills: string[];
  priority: PulledTask['priority'];
  deadline: string | null;
  status: 'ready' | 'in_progress';
  /** The person holding it; null while it waits to be taken. */
  held_by: string | null;
  /** While it waits: the people who could take it (their skills, a pin); the holder once held. */
  people: string[];
  /** Since when it waits to be taken, or since it was taken. */
  since: string | null;
  attempt: number;
}

export interface TeamTasks {
  people: TeamPerson[];
  tasks: PersonTask[];
}

/** What a reassignment or a give-back did: the task now, and who had it before. */
export interface Handoff {
  task: TaskRun;
  /** Who held it before (null: it waited to be taken). */
  from: string | null;
  /** A reassigned task is the new person's (`in_progress`), unless an approval stopped it first. */
  status: TaskStatus;
}

/**
 * A reviewer asked for changes to the diff of the task's attempt before: the coding agent's next
 * attempt goes on with that attempt's session and worktree, told the request. Only a remote
 * worker's coding agent is handed it (the app's own attempts take it from the engine).
 */
export interface ChangesRequested {
  reason: 'changes_requested';
  comment: string;
  line_comments: { path: string; line: number; side?: 'old' | 'new'; body: string }[];
}

/** The pull API's task context (prepareTaskContext): what an agent needs to do the task. */
export interface PreparedContext {
  run: { id: string; plan_id: string; project_id: string | null };
  task: TaskSpec;
  attempt: number;
  delegation_task_id: string | null;
  agent: { id: string; name: string; skills: string[]; charter: Agent['charter'] | null };
  dependencies: { task_id: string; status: TaskStatus; output: unknown; completed: boolean }[];
  related_tasks: {
    task_id: string;
    status: TaskStatus;
    description: string;
    relation: 'sibling' | 'dependent';
  }[];
  /** The workspace the task works in (its own, else the plan's), for a coding agent; absent: none. */
  workspace?: string;
  /** For a worker's coding agent: a reviewer asked for changes, so this attempt resumes the one before. */
  resume?: ChangesRequested;
  /**
   * The plan's narrowing of the OS sandbox (its `sandbox`), when it has one: a remote worker runs
   * the attempt under its own agent's policy narrowed by it, as the app does.
   */
  sandbox?: SandboxNarrowing;
  /**
   * The network policy `ask` of the attempt: whose hosts it goes by (`workspace:<id>` for a
   * coding task, `agent:<id>` else) and the hosts people allowed there, which a remote worker's
   * processes may reach when their policy says `unlisted: "ask"`; a host refused there is asked
   * about in the server's inbox (`…/sandbox-hosts`).
   */
  sandbox_hosts?: { scope: string; scope_label: string; allowed: string[] };
}

export type WorkHandlers = HandlersOf<typeof workMethods>;
