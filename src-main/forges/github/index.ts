import type { ForgeDefinition } from '../definition.ts';
import { githubIssues } from './issues.ts';
import { githubHookRoute } from './webhook.ts';

/** GitHub, github.com or an Enterprise server, through `@octokit/rest`. */
export const github: ForgeDefinition<'github'> = {
  kind: 'github',
  client: async (opts) => (await import('./client.ts')).githubForge(opts),
  webhook: githubHookRoute,
  gitUser: 'x-access-token',
  supports: { updateWhenBehind: true },
  issues: githubIssues,
};
