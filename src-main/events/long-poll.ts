import type { EventName } from '../../src-shared/contract/events.ts';
import type { EventBus } from './event-bus.ts';

/** Events after which a waiting pull or claim may find a task: tasks, runs and agents changed. */
const MAY_OFFER: ReadonlySet<EventName> = new Set<EventName>([
  'task.updated',
  'run.updated',
  'agent.updated',
]);

/** The same, as the bus is told which events a listener wants (it builds no other for it). */
const OFFERING: readonly EventName[] = [...MAY_OFFER];

/**
 * A long-poll: asks again after each batch of events that may offer a task, until `found` says
 * the answer has one or `ms` pass (then the last answer, with its reason). A pull that waits
 * costs nothing between events. A look that throws (the agent was removed meanwhile) ends the
 * wait with its error.
 */
export function longPoll<T>(
  bus: EventBus,
  look: () => T,
  found: (answer: T) => boolean,
  ms: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (answer: () => T) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(timer);
      try {
        resolve(answer());
      } catch (err) {
        reject(err);
      }
    };
    const unsubscribe = bus.subscribe((batch) => {
      if (settled || !batch.some((e) => MAY_OFFER.has(e.name))) return;
      let answer: T;
      try {
        answer = look();
      } catch (err) {
        return settle(() => {
          throw err;
        });
      }
      if (found(answer)) settle(() => answer);
    }, OFFERING);
    const timer = setTimeout(() => settle(look), ms);
    // A waiting pull keeps no process alive.
    timer.unref();
  });
}
