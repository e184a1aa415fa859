import type { WebhookHandlers } from '../../../src-shared/contract/domains/webhooks.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import { randomIds } from '../../engine/clock.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { WebhookService } from './service.ts';

export function webhookHandlers(deps: {
  webhooks: WebhookService;
  secrets: SecretResolver;
  now: () => string;
  audit: (e: { entity_id: string; from: string | null; to: string | null; why: string }) => void;
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
    'webhooks.add': (input) => {
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
        why: `webhook to ${hook.url} for ${hook.events.join(', ')}`,
      });
      return repo.get(id)!;
    },
    'webhooks.update': (input) => {
      if (!repo.get(input.id)) throw new AppError('not_found', `webhook "${input.id}" not found`);
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
        why: `webhook changed: to ${hook.url} for ${hook.events.join(', ')}`,
      });
      return repo.get(hook.id)!;
    },
    'webhooks.remove': ({ webhook_id }) => {
      const removed = repo.remove(webhook_id);
      if (removed)
        deps.audit({ entity_id: webhook_id, from: 'active', to: 'removed', why: 'webhook removed' });
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
