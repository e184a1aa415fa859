import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { FORGE_LABELS } from '../../../../src-shared/schemas/plain/forge.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';

/**
 * What landing a piece of done work can offer, from the workspaces it is in and its landings so
 * far: nothing once a pull request is open, being fixed, merged or closed (its Landing line
 * says where it is); the way to add a remote when a workspace has none; else Push (unless every
 * branch is pushed already) and, with a forge, a pull request against the remote's base branch.
 */
export type LandOffer =
  | { kind: 'landed' }
  | { kind: 'no_remote'; workspace: string }
  | { kind: 'offer'; push: boolean; remote: string; forge: string | null; base: string };

const OVER: ReadonlySet<Landing['state']> = new Set(['open', 'fixing', 'merged', 'closed']);

export function landOffer(workspaces: readonly Workspace[], landings: readonly Landing[]): LandOffer {
  if (landings.some((l) => OVER.has(l.state)) || workspaces.length === 0) return { kind: 'landed' };
  const bare = workspaces.find((w) => !w.remote);
  if (bare) return { kind: 'no_remote', workspace: bare.id };
  const w = workspaces[0]!;
  const remote = w.remote!;
  const forged = workspaces.every((x) => x.remote?.forge);
  const pushed = landings.length > 0 && landings.every((l) => l.state === 'pushed');
  return {
    kind: 'offer',
    push: !pushed,
    remote: remote.url,
    forge: forged && remote.forge ? `${FORGE_LABELS[remote.forge.kind]} ${remote.forge.repo}` : null,
    base: remote.base_branch ?? w.base_branch,
  };
}

/** A pull request's title as Baton makes one: the one task's first line and the plan's name, else the plan's name and the run. */
export function defaultPrTitle(
  plan: { plan_id: string; name?: string | undefined },
  runId: string,
  task: { task_id: string; description: string } | null,
): string {
  const planName = plan.name?.trim() || plan.plan_id;
  if (!task) return `${planName}: run ${runId}`;
  const line =
    task.description
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const first = line.length > 80 ? `${line.slice(0, 79).trimEnd()}…` : line;
  return `${first || task.task_id} (${planName})`;
}
