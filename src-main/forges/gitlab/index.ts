import type { ForgeDefinition } from '../definition.ts';
import { gitlabHookRoute } from './webhook.ts';

/** GitLab, gitlab.com or self-managed, through `@gitbeaker/rest`: merge requests as pull requests. */
export const gitlab: ForgeDefinition<'gitlab'> = {
  kind: 'gitlab',
  client: async (opts) => (await import('./client.ts')).gitlabForge(opts),
  webhook: gitlabHookRoute,
  // GitLab takes any user with a personal, project or group access token, but only `oauth2` with an OAuth token.
  gitUser: 'oauth2',
  supports: { updateWhenBehind: false },
  issues: null,
};
