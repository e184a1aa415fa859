import { z } from 'zod';

export const DECISION_ACTIONS = [
  'create_task',
  'escalate_to_human',
  'project_complete',
  'wait_for_more_tasks',
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** The decision JSON, what a decider answers after each task. */
export const decisionSchema = z.object({
  action: z.enum(DECISION_ACTIONS),
  reasoning: z.string().min(1).max(5_000),
  next_agent_type: z.string().max(100).nullish(),
  task_description: z.string().max(10_000).nullish(),
  context_to_pass: z
    .object({
      files_to_reference: z.array(z.string().max(500)).max(50).default([]),
      key_information: z.string().max(5_000).default(''),
    })
    .nullish(),
  urgency: z.enum(['low', 'normal', 'high', 'critical']).default('normal'),
});
export type Decision = z.infer<typeof decisionSchema>;

/** A plan's decider: rules by default, or an `llm` agent. */
export const deciderSpecSchema = z.strictObject({
  kind: z.enum(['rules', 'llm']).default('rules'),
  /** The `llm` agent that decides (kind llm). */
  agent_id: z.string().max(128).optional(),
  /** Guardrail: most tasks the decider may add to one run. */
  max_created_tasks: z.number().int().min(0).max(1_000).default(20),
});
export type DeciderSpec = z.infer<typeof deciderSpecSchema>;

/** What a decider sees after a task ended (the project's context and the agents' outputs). */
export interface DecisionContext {
  goal: string;
  phase: string | null;
  completed_task: {
    task_id: string;
    description: string;
    agent_id: string | null;
    status: string;
    success: boolean;
    error: string | null;
  };
  agents: { id: string; kind: string; skills: string[]; status: string }[];
  /** The last 5 tasks that ended, newest first. */
  history: { task_id: string; status: string; agent_id: string | null }[];
  queue: {
    ready: number;
    in_progress: number;
    blocked: number;
    awaiting_approval: number;
    open: number;
    /** Tasks of the run that ended failed or unassigned so far. */
    unsuccessful: number;
  };
  /** The task's output and its artifacts, and a coding task's changed files by path, first 500 characters each. */
  agent_outputs: Record<string, string>;
  created_so_far: number;
}
