import { createHash } from 'node:crypto';
import { actorOfCall } from '../../../src-shared/contract/caller.ts';
import type { WebhookHandlers } from '../../../src-shared/contract/domains/webhooks.ts';
import type { AuditChange } from '../../../src-shared/schemas/memory.ts';
import type { Webhook } from '../../../src-shared/schemas/webhook.ts';
import { fieldChanges, HIDDEN } from '../../base/config-audit.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import { randomIds } from '../../engine/clock.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { WebhookService } from './service.ts';

/** What people set of a webhook (its secret by name), as its audit entries compare it. */
/**
 * A webhook's URL as the audit log keeps it: its origin, and a short hash of the whole (a change of
 * path still shows). Its path is often the secret itself (a Slack or Discord webhook's), and the
 * audit log is read by viewers, to whom `webhooks.list` is refused.
 */
export function urlShown(url: string): string {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return HIDDEN;
  }
  return `${origin}/… (#${createHash('sha256').update(url).digest('hex').slice(0, 8)})`;
}

const settingsOf = (w: Omit<Webhook, 'enabled' | 'created_at'>) => ({
  url: urlShown(w.url),
  events: w.events,
  project_id: w.project_id,
  secret_name: w.secret_name,
  format: w.format,
  link_base: w.link_base,
});

export function webhookHandlers(deps: {
  webhooks: WebhookService;
  secrets: SecretResolver;
  now: () => string;
  audit: (e: {
    entity_id: string;
    from: string | null;
    to: string | null;
    why: string;
    actor: string;
    changes: AuditChange[];
  }) => void;
}): WebhookHandlers {
  const { webhooks, secrets } = deps;
  const repo = webhooks.repo;
  // A secret named must be set where webhooks are sent from (this process); none is for Slack alone (the schema).
  const requireSecret = (name: string | undefined) => {
    if (name !== undefined && !secrets.get(name)) {
      throw invalidInput('webhook', [
        {
          path: 'secret_name',
          message: `set a secret named "${name}" first, or pick one that is set`,
        },
      ]);
    }
  };
  return {
    'webhooks.list': () => repo.list(),
    'webhooks.add': (input, call) => {
      const id = input.id ?? randomIds.next('wh');
      if (repo.get(id)) throw new AppError('conflict', `webhook "${id}" already exists`);
      requireSecret(input.secret_name);
      const hook = {
        id,
        url: input.url,
        events: input.events,
        project_id: input.project_id ?? null,
        secret_name: input.secret_name ?? null,
        format: input.format,
        link_base: input.link_base ?? null,
        created_at: deps.now(),
      };
      repo.insert(hook);
      deps.audit({
        entity_id: id,
        from: null,
        to: 'active',
        why: `webhook to ${urlShown(hook.url)} for ${hook.events.join(', ')}`,
        actor: actorOfCall(null, call),
        changes: fieldChanges(undefined, settingsOf(hook)).changes,
      });
      return repo.get(id)!;
    },
    'webhooks.update': (input, call) => {
      const before = repo.get(input.id);
      if (!before) throw new AppError('not_found', `webhook "${input.id}" not found`);
      requireSecret(input.secret_name);
      const hook = {
        id: input.id,
        url: input.url,
        events: input.events,
        project_id: input.project_id ?? null,
        secret_name: input.secret_name ?? null,
        format: input.format,
        link_base: input.link_base ?? null,
      };
      repo.update(hook);
      deps.audit({
        entity_id: hook.id,
        from: 'active',
        to: 'active',
        why: `webhook changed: to ${urlShown(hook.url)} for ${hook.events.join(', ')}`,
        actor: actorOfCall(null, call),
        changes: fieldChanges(settingsOf(before), settingsOf(hook)).changes,
      });
      return repo.get(hook.id)!;
    },
    'webhooks.remove': ({ webhook_id }, call) => {
      const before = repo.get(webhook_id);
      const removed = repo.remove(webhook_id);
      if (removed)
        deps.audit({
          entity_id: webhook_id,
          from: 'active',
          to: 'removed',
          why: 'webhook removed',
          actor: actorOfCall(null, call),
          changes: before ? fieldChanges(settingsOf(before), undefined).changes : [],
        });
      return { removed };
    },
    'webhooks.deliveries': (f) => repo.deliveries(f),
    'webhooks.redeliver': ({ delivery_id }) => {
      if (!repo.sendAgain(delivery_id, Date.parse(deps.now()))) {
        throw new AppError('not_found', `delivery "${delivery_id}" not found`);
      }
      webhooks.wake();
      return repo.delivery(delivery_id)!;
    },
  };
}
