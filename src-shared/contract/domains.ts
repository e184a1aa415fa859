import { z } from 'zod';
import type { Agent } from '../schemas/agent.ts';
import { agentSchema, agentsFileSchema } from '../schemas/agent.ts';
import type { Approval } from '../schemas/approval.ts';
import { APPROVAL_STATUSES, decideApprovalInputSchema } from '../schemas/approval.ts';
import type { AuditEntry, MemoryEntry, MemorySearchHit } from '../schemas/memory.ts';
import { memorySearchInputSchema } from '../schemas/memory.ts';
import type { PlanSummary, StoredPlan } from '../schemas/plan.ts';
import type { Project } from '../schemas/project.ts';
import { projectSchema } from '../schemas/project.ts';
import type { BuildResponse, Run, RunDetail } from '../schemas/run.ts';
import { startRunInputSchema } from '../schemas/run.ts';
import type { HandlersOf } from './method.ts';
import { method } from './method.ts';

const none = z.strictObject({});
const idField = z.string().min(1).max(200);
const byId = <K extends string>(key: K) => z.strictObject({ [key]: idField } as { [P in K]: typeof idField });

export interface ValidationReport {
  ok: boolean;
  issues: { path: string; message: string }[];
}

export const projectMethods = {
  'projects.list': method(none).returns<Project[]>(),
  'projects.save': method(projectSchema).returns<Project>(),
};

export const planMethods = {
  'plans.list': method(none).returns<PlanSummary[]>(),
  'plans.get': method(byId('plan_id')).returns<StoredPlan>(),
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
  'runs.cancel': method(byId('run_id')).returns<Run>(),
};

export const agentMethods = {
  'agents.list': method(none).returns<Agent[]>(),
  /** Imports an agents file (array or `{ agents }`); existing ids are replaced. */
  'agents.import': method(z.strictObject({ agents: z.unknown() })).returns<Agent[]>(),
  'agents.save': method(agentSchema).returns<Agent>(),
  'agents.remove': method(byId('agent_id')).returns<{ removed: boolean }>(),
};

export const memoryMethods = {
  'memory.read': method(byId('memory_id')).returns<MemoryEntry>(),
  'memory.search': method(memorySearchInputSchema).returns<MemorySearchHit[]>(),
  'audit.list': method(
    z.strictObject({ run_id: z.string().optional(), limit: z.number().int().min(1).max(5_000).default(500) }),
  ).returns<AuditEntry[]>(),
};

export const approvalMethods = {
  'approvals.list': method(z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional() })).returns<
    Approval[]
  >(),
  'approvals.decide': method(decideApprovalInputSchema).returns<Approval>(),
};

export type ProjectHandlers = HandlersOf<typeof projectMethods>;
export type PlanHandlers = HandlersOf<typeof planMethods>;
export type RunHandlers = HandlersOf<typeof runMethods>;
export type AgentHandlers = HandlersOf<typeof agentMethods>;
export type MemoryHandlers = HandlersOf<typeof memoryMethods>;
export type ApprovalHandlers = HandlersOf<typeof approvalMethods>;

// Re-exported so a host can validate a raw agents file with the same schema.
export { agentsFileSchema };
