import type { WorkspaceRemote } from '../../src-shared/schemas/forge.ts';
import { FORGE_KINDS, type ForgeKind } from '../../src-shared/schemas/plain/forge.ts';
import { sendJson } from '../http/respond.ts';
import type { ForgeClient, ForgeDefinition, HookDesk, HookRoute } from './definition.ts';
import { gitea } from './gitea/index.ts';
import { github } from './github/index.ts';
import { gitlab } from './gitlab/index.ts';

export type {
  ChecksSeen,
  ForgeClient,
  ForgeDefinition,
  HookDesk,
  HookRoute,
  IssueSource,
  OpenIssue,
  OpenPull,
  PullState,
  ReviewSeen,
} from './definition.ts';
export { IssuesError, LandingError } from './errors.ts';

/** Every forge Baton lands work on, by its kind: total over `ForgeKind`, so a new kind wants its line here. */
export const FORGES: { readonly [K in ForgeKind]: ForgeDefinition<K> } = { github, gitlab, gitea };

/**
 * The client for a workspace's forge, through that forge's maintained library. `tokenName` is the
 * secret's name, said in errors (never the token). Each forge's client, and its library with it,
 * is loaded at its first use, not at Baton's start (the three take a tenth of a second to load).
 */
export async function forgeClient(
  forge: NonNullable<WorkspaceRemote['forge']>,
  token: string,
): Promise<ForgeClient> {
  const opts = { apiUrl: forge.api_url, repo: forge.repo, token, tokenName: forge.token_secret };
  return FORGES[forge.kind].client(opts);
}

/**
 * The basic-auth user a forge takes its token with over HTTPS (its `gitUser`); `x-access-token`,
 * as GitHub takes it, for a remote without a forge.
 */
export const gitUserOf = (kind: ForgeKind | undefined): string =>
  kind === undefined ? 'x-access-token' : FORGES[kind].gitUser;

/** `POST /api/forge/<kind>/<workspace>`: each forge's webhooks, by the kind their path names. */
export function forgeHookRoutes(desk: HookDesk): HookRoute {
  const routes = new Map<string, HookRoute>(FORGE_KINDS.map((kind) => [kind, FORGES[kind].webhook(desk)]));
  return async (req, res, target) => {
    const kind = target.segments[3] ?? '';
    const route = routes.get(kind);
    if (!route)
      return sendJson(res, 404, { error: { code: 'not_found', message: `no webhooks for forge "${kind}"` } });
    return route(req, res, target);
  };
}
