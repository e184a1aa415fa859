import type { Agent, AgentKind } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskStatus } from '../../src-shared/schemas/run.ts';

/** What an agent is given: the task, who it is, and what its dependencies produced. */
export interface TaskContext {
  run_id: string;
  plan_id: string;
  project_id: string | null;
  task: TaskSpec;
  attempt: number;
  delegation_task_id: string;
  agent: Agent;
  dependencies: { task_id: string; status: TaskStatus; output: unknown }[];
}

export type ExecutorEvent =
  | { type: 'progress'; percent: number; message?: string }
  | { type: 'log'; stream: 'stdout' | 'stderr' | 'info'; text: string }
  | { type: 'result'; output: unknown }
  | { type: 'error'; message: string };

/**
 * One interface for every kind of agent. `start` yields events until a `result` or an
 * `error`; aborting `signal` must stop the work.
 */
export interface Executor {
  start(ctx: TaskContext, signal: AbortSignal): AsyncIterable<ExecutorEvent>;
}

export type ExecutorRegistry = { [K in AgentKind]: Executor };
