import type { Webhook } from '../../../src-shared/schemas/webhook.ts';
import type { Store } from '../../store/store.ts';
import type { EntryFacts } from './events.ts';
import { eventsOf, linkOf, payloadOf } from './events.ts';
import type { WebhooksRepo } from './repo.ts';

const CURSOR = 'webhooks';
const BATCH = 500;

/**
 * Fills the outbox: the audit entries written since the last look become one delivery per
 * event and matching subscription, in one transaction with the cursor's move, so each event is
 * queued once whichever process looks and however often.
 */
export function createOutboxFiller(deps: {
  store: Store;
  repo: WebhooksRepo;
  now: () => number;
  newId: () => string;
  /** Baton's address for links, when no subscription names its own. */
  linkBase: () => string | null;
}) {
  const { store, repo } = deps;
  const matches = (w: Webhook, facts: EntryFacts) =>
    w.enabled && (w.project_id === null || w.project_id === (facts.run?.project_id ?? null));

  /** Queues what the log holds past the cursor; the number of deliveries queued. */
  return function fill(): number {
    let queued = 0;
    for (;;) {
      const more = store.tx(() => {
        const after = repo.cursor(CURSOR);
        const entries = repo.auditAfter(after, BATCH);
        if (entries.length === 0) return false;
        const hooks = repo.list();
        // No subscription: nothing to queue, and the cursor stays (the first one added moves it).
        if (hooks.length === 0) return false;
        for (const e of entries) {
          const facts: EntryFacts = {
            run: e.run_id ? repo.runOf(e.run_id) : null,
            approval: e.entity === 'approval' ? repo.approvalOf(e.entity_id) : null,
          };
          for (const event of eventsOf(e, facts)) {
            for (const w of hooks) {
              if (!w.events.includes(event) || !matches(w, facts)) continue;
              repo.enqueue({
                id: deps.newId(),
                webhook_id: w.id,
                event,
                payload: payloadOf(event, e, facts, linkOf(e, w.link_base ?? deps.linkBase())),
                at: deps.now(),
              });
              queued++;
            }
          }
        }
        repo.moveCursor(CURSOR, entries[entries.length - 1]!.id);
        return entries.length === BATCH;
      });
      if (!more) return queued;
    }
  };
}
