import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import { DEFAULT_DECIDERS } from '../../src-shared/schemas/people.ts';
import { EventBus } from './event-bus.ts';

describe('the event bus', () => {
  it('logs a listener that throws, in the background of its batch, and the others still get it', async () => {
    const logged: [unknown, string | undefined][] = [];
    const bus = new EventBus((err, where) => logged.push([err, where]));
    const heard: EventBatch[] = [];
    bus.subscribe(() => {
      throw new Error('window gone');
    });
    bus.subscribe((batch) => heard.push(batch));
    bus.emit('agent.removed', { id: 'a' });
    // Delivered on the next turn of the event loop, where a throw would end the process.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(heard).toEqual([[{ name: 'agent.removed', payload: { id: 'a' } }]]);
    expect(logged).toEqual([[new Error('window gone'), 'an event listener']]);
  });
});

describe('listeners of some events', () => {
  const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('hear only the events they named; an event nobody wants is not made', async () => {
    const bus = new EventBus();
    const runs: EventBatch[] = [];
    const off = bus.subscribe((batch) => runs.push(batch), ['run.updated', 'agent.removed']);
    expect(bus.wants('agent.removed')).toBe(true);
    expect(bus.wants('task.updated')).toBe(false);
    bus.emit('agent.removed', { id: 'a' });
    bus.emit('plan.removed', { id: 'p' });
    await flushed();
    expect(runs).toEqual([[{ name: 'agent.removed', payload: { id: 'a' } }]]);
    // A client listens to everything; the listener of some still gets only its own.
    const all: EventBatch[] = [];
    const offAll = bus.subscribe((batch) => all.push(batch));
    expect(bus.wants('task.updated')).toBe(true);
    bus.emit('plan.removed', { id: 'p' });
    bus.emit('agent.removed', { id: 'b' });
    await flushed();
    expect(all).toEqual([
      [
        { name: 'plan.removed', payload: { id: 'p' } },
        { name: 'agent.removed', payload: { id: 'b' } },
      ],
    ]);
    expect(runs.at(-1)).toEqual([{ name: 'agent.removed', payload: { id: 'b' } }]);
    // A batch with none of its events is not handed to it.
    bus.emit('plan.removed', { id: 'q' });
    await flushed();
    expect(runs).toHaveLength(2);
    offAll();
    expect(bus.wants('plan.removed')).toBe(false);
    off();
    expect(bus.wants('agent.removed')).toBe(false);
    bus.emit('agent.removed', { id: 'c' });
    await flushed();
    expect(runs).toHaveLength(2);
  });
});

describe('an approval on the bus', () => {
  const approval: Approval = {
    id: 'ap1',
    run_id: 'r1',
    task_id: 'deploy',
    status: 'pending',
    kind: 'approval_required',
    reason: 'the plan requires approval for this task',
    cost: 0,
    requested_at: '2025-01-01T00:00:00.000Z',
    decided_at: null,
    actor: null,
    comment: null,
  };
  const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('goes out as its view, made once a batch for every listener, from the latest of the batch', async () => {
    const viewed: Approval[] = [];
    const bus = new EventBus(undefined, (a) => {
      viewed.push(a);
      return {
        ...a,
        plan_id: 'release',
        run_started_by: null,
        deciders: DEFAULT_DECIDERS,
        task_description: 'Deploy it',
        dependencies: [],
      };
    });
    const heard: EventBatch[] = [];
    bus.subscribe((batch) => heard.push(batch));
    bus.subscribe((batch) => heard.push(batch));
    bus.emit('approval.changed', approval);
    bus.emit('approval.changed', { ...approval, status: 'approved', actor: 'Bo' });
    await flushed();
    expect(viewed).toEqual([{ ...approval, status: 'approved', actor: 'Bo' }]);
    const sent = {
      name: 'approval.changed',
      payload: expect.objectContaining({ plan_id: 'release', actor: 'Bo' }),
    };
    expect(heard).toEqual([[sent], [sent]]);
    expect(heard[0]![0]).toBe(heard[1]![0]);
  });

  it('goes out bare, and the failure is logged, when its view cannot be made', async () => {
    const logged: unknown[] = [];
    const bus = new EventBus(
      (err) => logged.push(err),
      () => {
        throw new Error('the database is closed');
      },
    );
    const heard: EventBatch[] = [];
    bus.subscribe((batch) => heard.push(batch));
    bus.emit('approval.changed', approval);
    await flushed();
    expect(heard).toEqual([
      [
        {
          name: 'approval.changed',
          payload: {
            ...approval,
            plan_id: null,
            run_started_by: null,
            deciders: DEFAULT_DECIDERS,
            task_description: null,
            dependencies: [],
          },
        },
      ],
    ]);
    expect(logged).toEqual([new Error('the database is closed')]);
  });
});
