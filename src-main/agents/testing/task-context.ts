import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentInput } from '../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../src-shared/schemas/agent.ts';
import { taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import type { Executor, ExecutorEvent, TaskContext } from '../../engine/executor.ts';
import { createSecretResolver } from '../../secrets/secrets.ts';

const workspaces: string[] = [];

/** A fresh, empty workspace, as the engine would create one. */
export function freshWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ws-'));
  workspaces.push(dir);
  return dir;
}

/** Removes every workspace made by `freshWorkspace` (call in afterAll). */
export function removeWorkspaces(): void {
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A task context for tests: one task, the given agent, secrets from `secrets` only. */
export function taskContext(
  agent: AgentInput,
  opts: {
    description?: string;
    inputs?: Record<string, unknown>;
    dependencies?: TaskContext['dependencies'];
    secrets?: Record<string, string>;
  } = {},
): TaskContext {
  return {
    run_id: 'run-1',
    plan_id: 'plan-1',
    project_id: null,
    task: taskSpecSchema.parse({
      task_id: 'task-1',
      description: opts.description ?? 'Count the words of this task',
      ...(opts.inputs ? { inputs: opts.inputs } : {}),
    }),
    attempt: 1,
    delegation_task_id: 'delegation-1',
    agent: agentSchema.parse(agent),
    dependencies: opts.dependencies ?? [],
    workspace: freshWorkspace(),
    secrets: createSecretResolver({}, new Map(Object.entries(opts.secrets ?? {}))),
  };
}

/** Runs an executor to the end and returns every event. */
export async function collect(
  executor: Executor,
  ctx: TaskContext,
  signal: AbortSignal = new AbortController().signal,
  onEvent?: (ev: ExecutorEvent) => void,
): Promise<ExecutorEvent[]> {
  const events: ExecutorEvent[] = [];
  for await (const ev of executor.start(ctx, signal)) {
    events.push(ev);
    onEvent?.(ev);
  }
  return events;
}

/** The final event, checking that there is exactly one and that it is last. */
export function outcome(events: ExecutorEvent[]): ExecutorEvent {
  const finals = events.filter((e) => e.type === 'result' || e.type === 'error');
  if (finals.length !== 1 || finals[0] !== events.at(-1)) {
    throw new Error(`expected exactly one final event, last: ${JSON.stringify(finals)}`);
  }
  return finals[0]!;
}
