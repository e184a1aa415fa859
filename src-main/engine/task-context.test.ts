import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { prepareContext } from './task-context.ts';

const spec = { task_id: 't', description: 'do it', depends_on: [] } as unknown as TaskSpec;
const task = { task_id: 't', attempt: 1, delegation_task_id: null } as unknown as TaskRun;
const agent = { id: 'a', skills: [] } as unknown as Agent;
const contextOf = (plan: Partial<Plan>) =>
  prepareContext(
    'r1',
    { plan_id: 'p', tasks: [spec], ...plan } as Plan,
    spec,
    task,
    agent,
    new Map([['t', task]]),
    new Map([['t', spec]]),
    new Map(),
  );

describe('a task context', () => {
  it("carries the plan's narrowing of the OS sandbox, for a remote worker to apply", () => {
    const sandbox = { network: { allow: ['127.0.0.1:9000'] }, read_deny: ['~/notes'] };
    expect(contextOf({ sandbox } as Partial<Plan>).sandbox).toEqual(sandbox);
  });

  it('has no sandbox when the plan narrows nothing', () => {
    expect('sandbox' in contextOf({})).toBe(false);
  });
});
