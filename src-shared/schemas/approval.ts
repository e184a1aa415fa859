import { z } from 'zod';
import type { TaskStatus } from './run.ts';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Why a task waits: the plan asks for approval, the budget would be passed, or the decider escalated. */
export const APPROVAL_KINDS = ['approval_required', 'budget', 'escalation'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export interface Approval {
  id: string;
  run_id: string;
  task_id: string;
  status: ApprovalStatus;
  kind: ApprovalKind;
  reason: string;
  cost: number;
  requested_at: string;
  decided_at: string | null;
  actor: string | null;
  comment: string | null;
}

/** An approval with what a person needs to decide: the plan and the task. */
export interface ApprovalView extends Approval {
  plan_id: string | null;
  task_description: string | null;
  /** What the task builds on: its dependencies in the run, with what they produced. */
  dependencies: { task_id: string; status: TaskStatus; output: unknown }[];
}

export const decideApprovalInputSchema = z.strictObject({
  approval_id: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  actor: z.string().min(1).max(200),
  comment: z.string().max(5_000).optional(),
});
