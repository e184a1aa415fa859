import { z } from 'zod';
import type { Agent } from '../../schemas/agent.ts';
import { rangeEdgeSchema, skillSchema } from '../../schemas/common.ts';
import type { TaskSpec } from '../../schemas/plan.ts';
import { PRIORITIES } from '../../schemas/plan.ts';
import type { AgentExecutionStats, TaskRun, TaskStatus } from '../../schemas/run.ts';
import { taskRefSchema } from '../../schemas/run.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

const agentRef = z.strictObject({ agent_id: z.string().min(1).max(200) });
const agentTask = agentRef.extend(taskRefSchema.shape);
/** The attempt a report is about: one that is no longer the task's (its lease lapsed) is refused. */
const attemptRef = z.number().int().min(1).optional();

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
  }>(),
  'work.progress': method(
    agentTask.extend({
      progress: z
        .number({ message: 'Progress must be a number between 0 and 100' })
        .min(0, 'Progress must be between 0 and 100')
        .max(100, 'Progress must be between 0 and 100'),
      message: z.string().max(2_000).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
      attempt: attemptRef,
    }),
  ).returns<TaskRun>(),
  'work.complete': method(
    agentTask.extend({
      status: z.enum(['completed', 'failed']),
      attempt: attemptRef,
      output: z.unknown().optional(),
      error: z.string().max(20_000).optional(),
      /** Files the agent (or person) produced; they become the task's artifacts. */
      files: z
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
        .max(50)
        .optional(),
    }),
  ).returns<{ task: TaskRun; unblocked: string[] }>(),
  /** A person's (or daemon's) inbox: ready tasks they can take, and tasks they hold. */
  'work.inbox': method(agentRef).returns<{ ready: PulledTask[]; in_progress: TaskRun[] }>(),
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
}

export type WorkHandlers = HandlersOf<typeof workMethods>;
