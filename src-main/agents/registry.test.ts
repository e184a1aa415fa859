import { describe, expect, it } from 'vitest';
import { AGENT_KINDS } from '../../src-shared/schemas/agent.ts';
import { isExecutingKind } from '../engine/executor.ts';
import { createExecutors } from './registry.ts';
import { collect, outcome, removeWorkspaces, taskContext } from './testing/task-context.ts';

describe('createExecutors', () => {
  it('has an executor for every kind but human', () => {
    const executors = createExecutors();
    expect(Object.keys(executors).sort()).toEqual(AGENT_KINDS.filter(isExecutingKind).sort());
    expect(AGENT_KINDS.filter((k) => !isExecutingKind(k))).toEqual(['human']);
  });

  it('keeps echo as it was: it completes at once with its input', async () => {
    const ctx = taskContext({ id: 'ash' }, { inputs: { a: 1 } });
    const events = await collect(createExecutors().echo, ctx);
    removeWorkspaces();
    expect(outcome(events)).toEqual({
      type: 'result',
      output: {
        task_id: 'task-1',
        description: 'Count the words of this task',
        inputs: { a: 1 },
        received_from: [],
      },
    });
  });
});
