import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
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
