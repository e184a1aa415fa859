import type { ForgeDefinition } from '../definition.ts';
import { giteaHookRoute } from './webhook.ts';

/** Gitea and Forgejo, through `gitea-js`. */
export const gitea: ForgeDefinition<'gitea'> = {
  kind: 'gitea',
  client: async (opts) => (await import('./client.ts')).giteaForge(opts),
  webhook: giteaHookRoute,
  gitUser: 'x-access-token',
  supports: { updateWhenBehind: false },
  issues: null,
};
