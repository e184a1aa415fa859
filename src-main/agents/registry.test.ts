import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_KINDS } from '../../src-shared/schemas/agent.ts';
import type { Executor } from '../engine/executor.ts';
import { isExecutingKind } from '../engine/executor.ts';
import { EventBus } from '../events/event-bus.ts';
import { openDatabase } from '../store/db.ts';
import { createStore } from '../store/store.ts';
import { codingStore } from './coding/index.ts';
import { AGENT_KIND_DEFINITIONS, createAgentKinds, createExecutors } from './registry.ts';
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

describe('createAgentKinds', () => {
  const db = openDatabase(':memory:');
  const host = {
    store: codingStore(createStore(db)),
    bus: new EventBus(() => {}),
    iso: () => new Date(0).toISOString(),
    log: () => {},
    worktreeRoot: '/nowhere/worktrees',
  };
  afterAll(() => db.close());
  const stand: Executor = {
    async *start() {
      yield { type: 'result', output: 'stood in' };
    },
  };

  it('holds the coding kind with the hooks the engine calls, and gives every other kind its executor', () => {
    const { kinds, executors } = createAgentKinds({}, host);
    expect(Object.keys(executors).sort()).toEqual(AGENT_KINDS.filter(isExecutingKind).sort());
    expect(kinds.human).toBeNull();
    expect(executors.coding).toBe(kinds.coding);
    expect(kinds.coding.worktreeRoot).toBe('/nowhere/worktrees');
    for (const hook of ['prepare', 'onTaskEnded', 'onRunEnded', 'outputFiles'] as const)
      expect(typeof kinds.coding[hook]).toBe('function');
    expect(executors.echo?.onTaskEnded).toBeUndefined();
  });

  it("runs a test's executor inside the coding kind's hooks, in place of another kind's, or none", async () => {
    const { kinds, executors } = createAgentKinds({}, host, { coding: stand, http: stand, echo: undefined });
    expect(executors.http).toBe(stand);
    expect(executors.echo).toBeUndefined();
    expect(executors.coding).toBe(kinds.coding);
    expect(typeof kinds.coding.onRunEnded).toBe('function');
    const ctx = taskContext({ id: 'cody', kind: 'coding', cli: 'claude' });
    const events = await collect(kinds.coding, ctx);
    removeWorkspaces();
    expect(outcome(events)).toEqual({ type: 'result', output: 'stood in' });
    await kinds.coding.worktreesSettled();
  });
});
