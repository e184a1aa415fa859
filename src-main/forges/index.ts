import type { WorkspaceRemote } from '../../src-shared/schemas/forge.ts';

import type { ForgeClient } from './definition.ts';

/**
 * The client for a workspace's forge, through that forge's maintained library. `tokenName` is the
 * secret's name, said in errors (never the token). Each forge's module, and its library with it,
 * is loaded at its first use, not at Baton's start (the three take a tenth of a second to load).
 */
export async function forgeClient(
  forge: NonNullable<WorkspaceRemote['forge']>,
  token: string,
): Promise<ForgeClient> {
  const opts = { apiUrl: forge.api_url, repo: forge.repo, token, tokenName: forge.token_secret };
  switch (forge.kind) {
    case 'github':
      return (await import('./github/client.ts')).githubForge(opts);
    case 'gitlab':
      return (await import('./gitlab/client.ts')).gitlabForge(opts);
    case 'gitea':
      return (await import('./gitea/client.ts')).giteaForge(opts);
    default:
      throw new Error(`${forge.kind} is not built yet`);
  }
}
