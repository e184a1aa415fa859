import type { CallContext } from '../../../src-shared/contract/caller.ts';
import type { PushHandlers } from '../../../src-shared/contract/domains/push.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import type { Push } from './push.ts';
import { shownSubscription } from './repo.ts';

/** The caller's person: push goes to people, so the machine's owner makes their account first. */
function personOf(call: CallContext): Person {
  if (!call.person)
    throw new AppError(
      'forbidden',
      call.via === 'local'
        ? 'make the owner account first (Settings → People): push notifications go to a person'
        : 'only a signed-in person has browsers to notify',
    );
  return call.person;
}

/** `push.*`: each person's own subscribed browsers. */
export function pushHandlers(push: Push): PushHandlers {
  return {
    'push.key': () => ({ public_key: push.publicKey() }),
    'push.subscribe': ({ subscription, label }, call) => {
      const person = personOf(call);
      const made = push.subscribe(person.id, subscription, label ?? 'A browser');
      if (typeof made === 'string')
        throw invalidInput('this is not a browser’s push subscription', [
          { path: 'subscription.endpoint', message: made },
        ]);
      return shownSubscription(made);
    },
    'push.unsubscribe': ({ id, endpoint }, call) => {
      if (id === undefined && endpoint === undefined)
        throw invalidInput('say which subscription', [{ path: 'id', message: 'id or endpoint is needed' }]);
      return { removed: push.repo.remove(personOf(call).id, { id, endpoint }) };
    },
    'push.list': (_, call) => push.repo.of(personOf(call).id).map(shownSubscription),
    'push.test': (_, call) => {
      const sent = push.test(personOf(call).id);
      if ('retry_after_s' in sent)
        throw new AppError(
          'unavailable',
          `push.test: a test was just sent to your browsers; try again in ${sent.retry_after_s} s`,
          { retry_after_s: sent.retry_after_s },
        );
      return sent;
    },
  };
}
