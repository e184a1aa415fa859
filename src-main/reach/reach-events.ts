import type { EventName } from '../../src-shared/contract/events.ts';
import type { Schedule } from '../../src-shared/schemas/schedule.ts';
import type { Trigger } from '../../src-shared/schemas/trigger.ts';
import type { Webhook, WebhookDelivery } from '../../src-shared/schemas/webhook.ts';
import type { ErrorLog } from '../base/log-line.ts';
import type { EventBus } from '../events/event-bus.ts';

/** What reach tells clients about when it changes. */
export type ReachRow = 'webhook' | 'schedule' | 'trigger' | 'delivery';

/** The event a row is told as (its removal goes to the same listeners). */
const TOLD_AS = {
  webhook: 'webhook.updated',
  schedule: 'schedule.updated',
  trigger: 'trigger.updated',
  delivery: 'delivery.updated',
} as const satisfies Record<ReachRow, EventName>;

/** Each row as clients see it, read from the store; undefined when it is no longer stored. */
export interface ReachReads {
  webhook(id: string): Webhook | undefined;
  schedule(id: string): Schedule | undefined;
  trigger(id: string): Trigger | undefined;
  delivery(id: string): WebhookDelivery | undefined;
}

/**
 * Tells clients a webhook, schedule, trigger or delivery as it is now, after it changed: the
 * returned function is called with what changed, and the row is read once the write is over
 * (a microtask later: a transaction's writes have committed or rolled back by then, so what is
 * told is what is stored). A webhook, schedule or trigger no longer stored is told removed; a
 * delivery goes with its webhook.
 */
export function createReachEvents(bus: EventBus, read: ReachReads, log?: ErrorLog) {
  const waiting = new Map<string, { row: ReachRow; id: string }>();
  const tell = (row: ReachRow, id: string): void => {
    switch (row) {
      case 'webhook': {
        const w = read.webhook(id);
        if (w) bus.emit('webhook.updated', w);
        else bus.emit('webhook.removed', { id });
        return;
      }
      case 'schedule': {
        const s = read.schedule(id);
        if (s) bus.emit('schedule.updated', s);
        else bus.emit('schedule.removed', { id });
        return;
      }
      case 'trigger': {
        const t = read.trigger(id);
        if (t) bus.emit('trigger.updated', t);
        else bus.emit('trigger.removed', { id });
        return;
      }
      case 'delivery': {
        const d = read.delivery(id);
        if (d) bus.emit('delivery.updated', d);
        return;
      }
    }
  };
  const tellAll = (): void => {
    const told = [...waiting.values()];
    waiting.clear();
    for (const { row, id } of told) {
      try {
        tell(row, id);
      } catch (err) {
        // The store closed meanwhile: nobody is left to tell.
        log?.(err, `telling clients of ${row} ${id}`);
      }
    }
  };
  return (row: ReachRow, id: string): void => {
    if (!bus.wants(TOLD_AS[row])) return;
    if (waiting.size === 0) queueMicrotask(tellAll);
    waiting.set(`${row}\u0000${id}`, { row, id });
  };
}
