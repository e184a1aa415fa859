import { describe, expect, it } from 'vitest';
import { AGENT_KINDS } from '../../src-shared/schemas/agent.ts';
import { isExecutingKind } from '../engine/executor.ts';
import { AGENT_KIND_DEFINITIONS, createExecutors } from './registry.ts';
import { collect, outcome, removeWorkspaces, taskContext } from './testing/task-context.ts';

describe('createExecutors', () => {
  it('has an executor for every kind but human', () => {
    const executors = createExecutors();
    expect(Object.keys(executors).sort()).toEqual(AGENT_KINDS.filter(isExecutingKind).sort());
    expect(AGENT_KINDS.filter((k) => !isExecutingKind(k))).toEqual(['human']);
  });

  it('builds every kind of the table, each under its own name', () => {
    expect(Object.keys(AGENT_KIND_DEFINITIONS).sort()).toEqual([...AGENT_KINDS].sort());
    for (const [name, definition] of Object.entries(AGENT_KIND_DEFINITIONS))
      expect(definition.kind).toBe(name);
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
