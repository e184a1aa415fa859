import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatch } from '../../app/dispatch.ts';
import { createCallClient } from '../../app/memory-transport.ts';
import type { BodyResult } from '../../http/respond.ts';
import { HTTP_STATUS, refuseBody, sendJson } from '../../http/respond.ts';
import { WORKER_TOKEN_SCOPE } from '../browser/refusals.ts';
import type { RouteContext } from '../browser/server.ts';
import { openApiDocument } from './openapi.ts';
import type { Route } from './routes.ts';
import { routes } from './routes.ts';
import type { WorkerOfAgent } from './worker-scope.ts';
import { workerRefusal } from './worker-scope.ts';

/** A route's path as segments: a literal to equal, or a parameter (`:run_id`) to capture. */
function compile(route: Route) {
  const parts = route.path
    .split('/')
    .map((p) => (p.startsWith(':') ? { param: p.slice(1) } : { literal: p }));
  return { route, parts };
}

type Compiled = ReturnType<typeof compile>;

/** The route's parameters from the request's decoded segments, or null when it does not match. */
function match(t: Compiled, segments: readonly string[]): Record<string, string> | null {
  if (segments.length !== t.parts.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of t.parts.entries()) {
    const seg = segments[i]!;
    if ('literal' in part) {
      if (part.literal !== seg) return null;
    } else {
      if (seg === '') return null;
      params[part.param] = seg;
    }
  }
  return params;
}

export interface RestOptions {
  /**
   * The remote worker that registered the agent, if one did: a worker token opens the pull
   * routes of its own worker's agents only. Without it the agents are listed through the contract.
   */
  workerAgent?: WorkerOfAgent;
}

/**
 * The REST API for the browser host: match, read the body, call the contract, answer
 * JSON. Bad input is a 400 whose error names the field; a POST body must be a JSON object. A
 * worker token (`ctx.caller` is `worker`) opens the routes marked `worker` only: 403 elsewhere.
 */
export function createRestHandler(dispatch: Dispatch, opts: RestOptions = {}) {
  const table = routes.map(compile);
  const client = createCallClient(dispatch);
  const workerAgent =
    opts.workerAgent ??
    (async (agentId: string) =>
      (await client.invoke('agents.list', {})).find((a) => a.id === agentId)?.worker);
  return async (req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<boolean> => {
    const { target } = ctx;
    const forbidden = (message: string) => {
      sendJson(res, 403, { error: { code: 'forbidden', message } });
      return true;
    };
    if (req.method === 'GET' && target.path === '/api/openapi.json') {
      if (ctx.caller === 'worker') return forbidden(WORKER_TOKEN_SCOPE);
      sendJson(res, 200, openApiDocument());
      return true;
    }
    const matches = table.flatMap((t) => {
      const params = match(t, target.segments);
      return params ? [{ t, params }] : [];
    });
    if (matches.length === 0) return false;
    const hit = matches.find((m) => m.t.route.method === req.method);
    // The body is read once: a worker's registration is looked at before it claims a worker.
    let read: Promise<BodyResult> | undefined;
    const body = () => (read ??= ctx.body());
    if (ctx.caller === 'worker') {
      const refused = await workerRefusal(hit?.t.route, hit?.params ?? {}, ctx.worker, workerAgent, body);
      if (refused !== null) return forbidden(refused);
    }
    if (!hit) {
      res.setHeader('Allow', matches.map((m) => m.t.route.method).join(', '));
      sendJson(res, 405, {
        error: { code: 'method_not_allowed', message: `${req.method} not allowed on ${target.path}` },
      });
      return true;
    }
    let payload: unknown;
    if (req.method === 'POST') {
      const given = await body();
      if (!given.ok) {
        refuseBody(res, given);
        return true;
      }
      payload = given.value;
    }
    const result = await hit.t.route.handle(
      { params: hit.params, query: Object.fromEntries(target.query), body: payload },
      client,
    );
    if (result.ok) sendJson(res, result.status ?? 200, result.value);
    else sendJson(res, HTTP_STATUS[result.error.code], { error: result.error });
    return true;
  };
}
