import type { HookDesk, HookRoute } from '../../../forges/index.ts';
import { forgeHookRoutes } from '../../../forges/index.ts';
import type { LandingDeps } from './landing-deps.ts';

/**
 * `POST /api/forge/<kind>/<workspace>`: the forges' webhook routes, handed the landing's side: the
 * workspaces and secrets a delivery is checked against, and the open pull requests it makes due
 * for a poll (`pollNow`, at once).
 */
export function createForgeHookRoutes(deps: LandingDeps, pollNow: () => Promise<void>): HookRoute {
  const desk: HookDesk = {
    workspace: (id) => deps.store.workspaces.get(id),
    secret: (name) => deps.secrets.get(name),
    due: (workspaceId, which) => {
      const due = deps.store.landings
        .followed()
        .filter((l) => l.workspace_id === workspaceId && l.state === 'open' && which(l));
      for (const l of due) deps.store.landings.save({ ...l, next_poll_at: 0 });
      return due.length;
    },
    pollNow,
    issuesDelivered: deps.issuesDelivered,
    log: (err, doing) => deps.log(err, doing),
  };
  return forgeHookRoutes(desk);
}
