import { z } from 'zod';
import type { MemoryEntry } from './memory.ts';
import type { RunStatus, TaskCounts, TaskStatus } from './plain/run.ts';
import type { TaskSpec } from './plan.ts';
import { taskSpecSchema } from './plan.ts';
import { runInputValuesSchema } from './run-inputs.ts';

export interface ScoreBreakdown {
  /** 1 when the agent has exactly the required skills, lower the more unrelated skills it carries. */
  skill_fit: number;
  /** Free share of the agent's capacity, 0..1. */
  free_capacity: number;
  /** 1 / (1 + cost per task). */
  cost: number;
  /** (successes + 1) / (attempts + 2) over the agent's recent attempts. */
  success_rate: number;
  /**
   * Expected time to finish the task, in ms: the agent's recent average duration (plus the wait
   * for a slot when it is at capacity: average / max_concurrency); null until it has finished a task.
   */
  expected_ms: number | null;
  /** The shortest expected time among the candidates / this agent's, 0..1; 1 while unknown. */
  speed: number;
  /**
   * What its best-of candidacies for the task's required skills say (docs/agents.md, "Who wins for
   * a skill"); absent while it has none, and the total is then as if the part did not exist.
   */
  skill_wins?: SkillWinsPart;
  /** (0.4 · skill fit + 0.25 · free capacity + 0.15 · cost + 0.2 · success rate) · speed · skill wins factor. */
  total: number;
}

/** The score part of an agent's wins for the task's skills: a factor around 1. */
export interface SkillWinsPart {
  /** Best-of candidacies of tasks needing one of the task's required skills (one per skill shared). */
  candidacies: number;
  /** Those it won. */
  wins: number;
  /** The wins an agent as good as its rivals would have had (one in as many agents per attempt); absent in matches stored before. */
  expected?: number;
  /** (wins + 1) / (candidacies + 2). */
  rate: number;
  /** 1 + 0.4 · (wins − expected) / (candidacies + 2), within 0.8 … 1.2: above 1 for an agent that wins more than its share. */
  factor: number;
}

export interface RejectedCandidate {
  agent_id: string;
  reason: string;
  /** Set for a candidate that lost (lower score, passed over for an automated agent, pulled by another). */
  score?: ScoreBreakdown;
}

/** Why this agent, and why not the others: every registered agent but the chosen one is in `rejected`. */
export interface MatchExplanation {
  agent_id: string | null;
  score: ScoreBreakdown | null;
  rejected: RejectedCandidate[];
}

export interface TaskRun {
  run_id: string;
  task_id: string;
  status: TaskStatus;
  agent_id: string | null;
  delegation_task_id: string | null;
  attempt: number;
  reason: string | null;
  match: MatchExplanation | null;
  output: unknown;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  /** 0–100 as last reported by the agent. */
  progress: number | null;
  progress_message: string | null;
  /** When a waiting retry may start (epoch ms). */
  retry_at: number | null;
  /** What this task has been charged so far, as far as it is known (USD). */
  cost: number;
  /**
   * Model calls of its attempts whose cost is not known (an answer whose usage could not be read,
   * a call cut, a model without a price, an agent that never reported): its cost is then `cost`
   * plus an unknown amount, never `cost` alone (`costState`, `costWords`).
   */
  cost_unknown: number;
}

export interface Run {
  id: string;
  plan_id: string;
  plan_version: number;
  project_id: string | null;
  status: RunStatus;
  memory_id: string;
  created_at: string;
  finished_at: string | null;
  /** Who started it: a person's name, `schedule`, `cli`, `mcp` or `api`; null for runs before this was recorded. */
  started_by: string | null;
  counts: TaskCounts;
}

export interface RunDetail extends Run {
  tasks: TaskRun[];
  /** Tasks a decider added while the run went on (not in the plan version). */
  added_tasks: TaskSpec[];
}

export interface DelegatedTask {
  task_id: string;
  assigned_agent: string;
  delegation_task_id: string;
}

export interface UnassignedTask {
  task_id: string;
  reason: string;
}

/** The build response, plus the id of the run it started. */
export interface BuildResponse {
  status: 'executing' | 'failed';
  delegated_tasks: DelegatedTask[];
  memory_id: string;
  run_id: string;
}

/** `content` of a `build_log` entry, field for field as the orchestrator build module writes it. */
export interface BuildLogContent {
  plan_id: string;
  delegated_tasks: DelegatedTask[];
  unassigned_tasks: UnassignedTask[];
  timestamp: string;
}

export interface BuildLogEntry extends MemoryEntry {
  agent_id: 'orchestrator';
  type: 'build_log';
  content: BuildLogContent;
  status: RunStatus;
  task_type: 'build';
}

/**
 * What `runs.start` and `runs.rerun` answer: the build response, plus what the run
 * screen shows at once (the run with its tasks, and its build log), so it needs no follow-up calls.
 */
export interface StartedRun extends BuildResponse {
  run: RunDetail;
  build_log: MemoryEntry;
}

export const startRunInputSchema = z.strictObject({
  plan_id: z.string().min(1),
  /** The plan version to run (`plans.import` answers it); its latest when absent. One not stored is refused. */
  plan_version: z.number().int().positive().optional(),
  /** Who starts it, recorded as the run's `started_by`: a person's name, `schedule`, `trigger`, `cli`, `mcp`; `user` when absent. */
  actor: z.string().trim().min(1).max(200).optional(),
  /** The run's inputs, checked against the plan's `run_inputs`; its tasks read them in `inputs.run`. */
  inputs: runInputValuesSchema.optional(),
});

/**
 * A task a caller (an agent over MCP) adds to a running run (`runs.addTask`): a plan task's
 * fields, without a condition or retries: it runs once every dependency is done.
 */
export const addedTaskSchema = taskSpecSchema
  .pick({
    task_id: true,
    description: true,
    required_skills: true,
    depends_on: true,
    priority: true,
    deadline: true,
    requires_approval: true,
    estimated_cost: true,
    agent: true,
    timeout_s: true,
    inputs: true,
  })
  .extend({
    description: z
      .string()
      .trim()
      .min(1, 'say what the task is to do')
      .max(20_000, 'must be at most 20000 characters'),
  })
  // `baton_gate` marks the engine's own escalations (a person's decision, no agent's, outside the
  // cap on added tasks and the loop check): a caller that set it had its tasks pass both.
  .superRefine((t, ctx) => {
    if (t.inputs !== undefined && Object.hasOwn(t.inputs, 'baton_gate'))
      ctx.addIssue({
        code: 'custom',
        path: ['inputs', 'baton_gate'],
        message: "is Baton's own (it marks a decider's escalation): name the input otherwise",
      });
  });

export const taskRefSchema = z.strictObject({
  run_id: z.string().min(1).max(200),
  task_id: z.string().min(1).max(200),
});

export interface Transaction {
  id: number;
  run_id: string;
  plan_id: string;
  project_id: string | null;
  task_id: string;
  agent_id: string | null;
  /** USD, as far as it is known. */
  amount: number;
  /** Model calls of this charge whose cost is not known (0: the amount is all of it). */
  unknown: number;
  kind: 'task';
  created_at: string;
}

export interface SpendReport {
  scope: 'run' | 'plan' | 'project';
  id: string;
  /** What is known to be spent (USD). */
  spent: number;
  /** Model calls charged whose cost is not known: the spend is `spent` plus an unknown amount (`costWords`). */
  unknown: number;
  budget: number | null;
  /** The budget less what is known to be spent; with `unknown` calls, at most that. */
  remaining: number | null;
  transactions: Transaction[];
}

export interface ProgressEntry {
  attempt: number;
  progress: number;
  message: string | null;
  metadata: unknown;
  at: string;
}

/**
 * Where a task's log line comes from: what its agent printed (`stdout`, `stderr`), what Baton
 * says of the attempt (`info`), and what the person should know about the attempt (`notice`:
 * shown on the task's panel too, not only in its log).
 */
export const LOG_STREAMS = ['stdout', 'stderr', 'info', 'notice'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

export interface TaskLogLine {
  id: number;
  run_id: string;
  task_id: string;
  attempt: number;
  stream: LogStream;
  text: string;
  at: string;
}

/**
 * How an attempt ended: `running` while it has not; `interrupted` when a restart of Baton stopped
 * it; `given_back` when the person (or daemon) holding it gave it back, or it was reassigned;
 * `limited` when its agent's account hit a usage or rate limit (waiting for quota, not failed).
 */
export type AttemptOutcome =
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'interrupted'
  | 'given_back'
  | 'limited';

/** One attempt of a task: who ran it, when, and how it ended. */
export interface TaskAttempt {
  attempt: number;
  agent_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  outcome: AttemptOutcome;
  error: string | null;
  /** What the OS sandbox refused its processes (its `sandbox` steps: connections, writes, reads). */
  sandbox_blocked: number;
}

export interface Artifact {
  id: number;
  run_id: string;
  task_id: string;
  attempt: number;
  name: string;
  path: string;
  size: number;
  sha256: string;
  created_at: string;
}

/**
 * An agent's execution statistics (the pull API's stats) over a time range: its attempts, each
 * counted once. A task a re-run reuses from an earlier run is not an attempt of the new run.
 */
export interface AgentExecutionStats {
  agent_id: string;
  /** completed + failed + cancelled + interrupted + in_progress. */
  total: number;
  completed: number;
  /** Ended in failure, each failed attempt of a retried task included. */
  failed: number;
  /** Stopped by a cancel while running; not counted in `success_rate`. */
  cancelled: number;
  /** Stopped by a restart of Baton while running (the task was retried); not counted in `success_rate`. */
  interrupted: number;
  in_progress: number;
  /** Percent of attempts that completed among those completed or failed, 0–100; null when none. */
  success_rate: number | null;
  /** Seconds; null when none completed. */
  average_completion_time: number | null;
}
