import type { WorkerHandlers } from '../../src-shared/contract/domains/workers.ts';
import { randomIds } from '../engine/clock.ts';
import type { WorkerTokens } from './tokens.ts';

type TokenHandlers = Pick<
  WorkerHandlers,
  'workers.tokens.create' | 'workers.tokens.list' | 'workers.tokens.revoke'
>;

/** Where a worker reaches Baton when neither the caller nor the host says (the default `baton serve`). */
const DEFAULT_SERVER = 'http://127.0.0.1:4800/';

/** `workers.tokens.*`: made, listed and revoked by people (the UI token); each step audited. */
export function workerTokenHandlers(deps: {
  tokens: WorkerTokens;
  audit: (e: { entity_id: string; to: string; why: string }) => void;
}): TokenHandlers {
  const { tokens } = deps;
  return {
    'workers.tokens.create': ({ name, server_url, worker_id }) => {
      const created = tokens.create(
        randomIds.next('wtk'),
        name,
        server_url ?? tokens.serverUrl ?? DEFAULT_SERVER,
        worker_id,
      );
      deps.audit({
        entity_id: created.token.id,
        to: 'active',
        why: `worker token "${name}" created${worker_id === undefined ? '' : ` for worker ${worker_id}`}`,
      });
      return created;
    },
    'workers.tokens.list': () => tokens.list(),
    'workers.tokens.revoke': ({ token_id }) => {
      const revoked = tokens.revoke(token_id);
      if (revoked)
        deps.audit({
          entity_id: token_id,
          to: 'revoked',
          why: `worker token "${tokens.get(token_id)?.name ?? token_id}" revoked: workers using it are refused from now on`,
        });
      return { revoked };
    },
  };
}
