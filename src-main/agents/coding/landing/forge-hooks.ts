import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForgeKind } from '../../../../src-shared/schemas/forge.ts';
import { createGiteaHookRoute } from '../../../forges/gitea/webhook.ts';
import { createForgeHookRoute } from '../../../forges/github/webhook.ts';
import { createGitLabHookRoute } from '../../../forges/gitlab/webhook.ts';
import type { RequestTarget } from '../../../http/request-target.ts';
import { sendJson } from '../../../http/respond.ts';
import type { LandingDeps } from './landing-deps.ts';

type HookRoute = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

/** `POST /api/forge/<kind>/<workspace>`: each forge's webhooks, by the kind their path names. */
export function createForgeHookRoutes(deps: LandingDeps, pollNow: () => Promise<void>): HookRoute {
  const byKind: Partial<Record<ForgeKind, HookRoute>> = {
    github: createForgeHookRoute(deps, pollNow),
    gitlab: createGitLabHookRoute(deps, pollNow),
    gitea: createGiteaHookRoute(deps, pollNow),
  };
  return async (req, res, target) => {
    const kind = target.segments[3] ?? '';
    const route = Object.hasOwn(byKind, kind) ? byKind[kind as ForgeKind] : undefined;
    if (!route)
      return sendJson(res, 404, { error: { code: 'not_found', message: `no webhooks for forge "${kind}"` } });
    return route(req, res, target);
  };
}
