import { z } from 'zod';
import type { Agent } from '../schemas/agent.ts';
import { agentSchema, agentsFileSchema, secretNameSchema } from '../schemas/agent.ts';
import type { Approval, ApprovalView } from '../schemas/approval.ts';
import { APPROVAL_STATUSES, decideApprovalInputSchema } from '../schemas/approval.ts';
import { idSchema, rangeEdgeSchema } from '../schemas/common.ts';
import type { AuditEntry, MemoryEntry, MemorySearchHit } from '../schemas/memory.ts';
import { AUDIT_ENTITIES, memorySearchInputSchema } from '../schemas/memory.ts';
import type { PlanInput, PlanSummary, PlanVersionSummary, StoredPlan, TaskSpec } from '../schemas/plan.ts';
import { PRIORITIES } from '../schemas/plan.ts';
import type { Project } from '../schemas/project.ts';
import { projectSchema } from '../schemas/project.ts';
import type {
  AgentExecutionStats,
  Artifact,
  BuildResponse,
  ProgressEntry,
  Run,
  RunDetail,
  SpendReport,
  TaskAttempt,
  TaskLogLine,
  TaskRun,
  TaskStatus,
} from '../schemas/run.ts';
import { startRunInputSchema, taskRefSchema } from '../schemas/run.ts';
import type { HandlersOf } from './method.ts';
import { method } from './method.ts';

const none = z.strictObject({});
const idField = z.string().min(1).max(200);
/** Who asks for a change people make (a cancel), as the audit log records it. */
const actorField = z.string().trim().min(1).max(200);
const byId = <K extends string>(key: K) => z.strictObject({ [key]: idField } as { [P in K]: typeof idField });

export interface ValidationReport {
  ok: boolean;
  issues: { path: string; message: string }[];
}

export const projectMethods = {
  'projects.list': method(none).returns<Project[]>(),
  'projects.save': method(projectSchema).returns<Project>(),
};

const versionField = z.number({ message: 'must be a version number' }).int().min(1);

export const planMethods = {
  'plans.list': method(none).returns<PlanSummary[]>(),
  /** The plan at its current version, or at `version` (an earlier one). */
  'plans.get': method(
    z.strictObject({
      plan_id: idField,
      version: versionField.optional(),
    }),
  ).returns<StoredPlan>(),
  /** Every saved version of a plan, newest first, with what changed from the one before. */
  'plans.versions': method(byId('plan_id')).returns<PlanVersionSummary[]>(),
  /** Saves an earlier version again as the newest one; history is never rewritten. */
  'plans.restore': method(
    z.strictObject({
      plan_id: idField,
      version: versionField,
    }),
  ).returns<PlanSummary>(),
  /** Validates and stores a plan (a new version when the id exists). `plan` is raw JSON. */
  'plans.import': method(z.strictObject({ plan: z.unknown() })).returns<PlanSummary>(),
  'plans.validate': method(z.strictObject({ plan: z.unknown() })).returns<ValidationReport>(),
  'plans.delete': method(byId('plan_id')).returns<{ deleted: boolean }>(),
};

export const runMethods = {
  /** Seed 000 build: starts a run of a stored plan and answers with the delegations so far. */
  'runs.start': method(startRunInputSchema).returns<BuildResponse>(),
  'runs.list': method(z.strictObject({ plan_id: z.string().optional() })).returns<Run[]>(),
  'runs.get': method(byId('run_id')).returns<RunDetail>(),
  /** Cancels every task not ended; `actor` (who asked; "user" when absent) is recorded in the audit log. */
  'runs.cancel': method(byId('run_id').extend({ actor: actorField.optional() })).returns<Run>(),
  /** A new run from one task of a finished run: it and its downstream run again, finished work upstream is reused. Retries a failed task. */
  'runs.rerun': method(taskRefSchema).returns<BuildResponse>(),
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
  /** An artifact's content: text as UTF-8, anything else as base64; at most 1 MB. */
  'runs.readArtifact': method(z.strictObject({ artifact_id: z.number().int().min(1) })).returns<{
    artifact: Artifact;
    encoding: 'utf8' | 'base64';
    content: string;
    truncated: boolean;
  }>(),
  'runs.spend': method(
    z.strictObject({ scope: z.enum(['run', 'plan', 'project']), id: z.string().min(1).max(200) }),
  ).returns<SpendReport>(),
};

const agentRef = z.strictObject({ agent_id: z.string().min(1).max(200) });
const agentTask = agentRef.extend(taskRefSchema.shape);

/** Seed 004's pull API: how agents on other machines (daemons) take and report work. */
export const workMethods = {
  'work.selectNext': method(
    agentRef.extend({
      run_id: z.string().max(200).optional(),
      plan_id: z.string().max(200).optional(),
      /** Only tasks of this priority or higher (seed 004's priority limit). */
      min_priority: z.enum(PRIORITIES).optional(),
    }),
  ).returns<{ task: PulledTask | null; reason?: string }>(),
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
    }),
  ).returns<TaskRun>(),
  'work.complete': method(
    agentTask.extend({
      status: z.enum(['completed', 'failed']),
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
  score: number;
}

/** Seed 004 prepareTaskContext. */
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
}

export const agentMethods = {
  'agents.list': method(none).returns<Agent[]>(),
  /** Imports an agents file (array or `{ agents }`); existing ids are replaced. */
  'agents.import': method(z.strictObject({ agents: z.unknown() })).returns<Agent[]>(),
  /** Adds a new agent; an id already taken is a `conflict` (on the `id` field), never replaced. */
  'agents.create': method(agentSchema).returns<Agent>(),
  /** Saves an agent, replacing the one with its id if there is one. */
  'agents.save': method(agentSchema).returns<Agent>(),
  /**
   * Removes an agent. An agent holding tasks in progress is a `conflict` (details list them):
   * wait for them or cancel them first. Its past attempts stay in run history and statistics.
   */
  'agents.remove': method(byId('agent_id')).returns<{ removed: boolean }>(),
  /** Tests the connection of every agent with an endpoint now (a connection test). */
  'agents.probe': method(none).returns<{ id: string; reachable: boolean }[]>(),
};

export const memoryMethods = {
  'memory.read': method(byId('memory_id')).returns<MemoryEntry>(),
  'memory.search': method(memorySearchInputSchema).returns<MemorySearchHit[]>(),
  /**
   * Audit entries: newest first; of a run, or (with task_id) of one task of it and its approvals,
   * oldest first. A search or a filter (what the entry is about, part of who made the change,
   * a time window) lists the newest entries matching all of them.
   */
  'audit.list': method(
    z.strictObject({
      run_id: z.string().optional(),
      task_id: z.string().max(200).optional(),
      query: z.string().max(500).optional(),
      entity: z.enum(AUDIT_ENTITIES).optional(),
      /** Part of who made the change, any case. */
      actor: z.string().max(200).optional(),
      since: rangeEdgeSchema('start').optional(),
      until: rangeEdgeSchema('end').optional(),
      limit: z.number().int().min(1).max(5_000).default(500),
    }),
  ).returns<AuditEntry[]>(),
};

export const approvalMethods = {
  'approvals.list': method(z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional() })).returns<
    ApprovalView[]
  >(),
  'approvals.decide': method(decideApprovalInputSchema).returns<Approval>(),
};

export interface ScopeDraft {
  plan: PlanInput;
  notes: string[];
  planner: 'rules' | 'llm';
}

/** Scope: a goal sentence becomes a draft plan the user reviews before running it. */
export const scopeMethods = {
  'scope.draft': method(
    z.strictObject({
      goal: z.string().min(3, 'describe the goal in a few words').max(5_000),
      plan_id: idSchema.optional(),
      project_id: idSchema.optional(),
      /** An `llm` agent to plan with; the rule-based planner otherwise. */
      planner_agent_id: z.string().max(200).optional(),
    }),
  ).returns<ScopeDraft>(),
};

/** Secrets agents use. Values go in and are never sent back out. */
export const secretMethods = {
  'secrets.list': method(none).returns<{ names: string[]; writable: boolean }>(),
  'secrets.set': method(
    z.strictObject({ name: secretNameSchema, value: z.string().min(1).max(10_000) }),
  ).returns<{
    name: string;
  }>(),
  'secrets.delete': method(z.strictObject({ name: secretNameSchema })).returns<{ deleted: boolean }>(),
};

export type ProjectHandlers = HandlersOf<typeof projectMethods>;
export type PlanHandlers = HandlersOf<typeof planMethods>;
export type RunHandlers = HandlersOf<typeof runMethods>;
export type AgentHandlers = HandlersOf<typeof agentMethods>;
export type MemoryHandlers = HandlersOf<typeof memoryMethods>;
export type ApprovalHandlers = HandlersOf<typeof approvalMethods>;
export type WorkHandlers = HandlersOf<typeof workMethods>;
export type ScopeHandlers = HandlersOf<typeof scopeMethods>;
export type SecretHandlers = HandlersOf<typeof secretMethods>;

// Re-exported so a host can validate a raw agents file with the same schema.
export { agentsFileSchema };
