import type { BodyResult } from '../../http/respond.ts';
import { boundElsewhere } from '../../workers/index.ts';
import { WORKER_TOKEN_SCOPE } from '../browser/refusals.ts';
import type { WorkerCaller } from '../browser/worker-callers.ts';
import type { Route } from './routes.ts';

/** The remote worker that registered an agent, if one did. */
export type WorkerOfAgent = (agentId: string) => string | undefined | Promise<string | undefined>;

/**
 * Why a worker token may not make this call (the 403's message), or null when it may. A worker
 * token opens the routes marked `worker` only, and speaks for one worker: the one it is bound to
 * (when made, or claimed by registering). A worker bound to a live token is that token's alone:
 * no other token acts as it, claims it, drives its agents (the pull routes) or takes its agents
 * over by registering them under another worker id.
 */
export async function workerRefusal(
  route: Route | undefined,
  params: Record<string, string>,
  caller: WorkerCaller | undefined,
  workerOf: WorkerOfAgent,
  body: () => Promise<BodyResult>,
): Promise<string | null> {
  const scope = route?.worker;
  if (route === undefined || scope === undefined) return WORKER_TOKEN_SCOPE;
  const name = caller?.name ?? '?';
  // The worker the call acts as: the route's, or the one that registered the route's agent.
  let workerId = params.worker_id;
  if (scope === 'agent') {
    const agentId = params.agent_id;
    workerId = agentId === undefined ? undefined : await workerOf(agentId);
    if (workerId === undefined)
      return `a worker token opens the pull routes of agents a worker registered only; ${agentId} is not one (register it with workers.register first)`;
  }
  if (workerId === undefined) return WORKER_TOKEN_SCOPE;
  const registering = route.path.endsWith('/register');
  if (registering) {
    const read = await body();
    for (const agentId of read.ok ? agentIdsOf(read.value) : []) {
      const owner = await workerOf(agentId);
      if (owner !== undefined && owner !== workerId && caller?.heldByAnother(owner))
        return `agent "${agentId}" belongs to worker "${owner}", which is bound to another worker token; worker token "${name}" cannot take it over (give this worker's agent another id)`;
    }
  }
  const binding = caller?.bind(workerId, registering) ?? { ok: false, bound: null };
  return binding.ok ? null : boundElsewhere(name, binding, workerId);
}

/** The agent ids a registration names (the contract checks the rest). */
function agentIdsOf(body: unknown): string[] {
  const agents = (body as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents)) return [];
  return agents.flatMap((a) => {
    const id = (a as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [id] : [];
  });
}
