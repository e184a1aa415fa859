import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatch } from '../../app/dispatch.ts';
import { bearer } from '../../http/auth.ts';
import { refuseSocket } from '../../http/edge.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { HTTP_STATUS } from '../../http/respond.ts';
import { tokensEqual } from '../../http/security.ts';
import type { WorkerBinding, WorkerTokenVerdict } from '../../workers/index.ts';
import { boundElsewhere } from '../../workers/index.ts';
import type { SocketClaim, WorkerSocket } from './worker-socket.ts';

// What a worker token opens at the browser host, beside the launch token and people: which
// worker it may act as, a claim over its worker's socket, and that socket's own door.

/**
 * Worker tokens (src-main/workers/tokens.ts): a request without the UI token may present one; it
 * opens the routes of the worker API only (`caller: 'worker'`), and is refused everywhere else
 * with 403. A revoked one is refused with 401 `token_revoked`.
 */
export interface WorkerTokenCheck {
  verify(presented: string | undefined): WorkerTokenVerdict;
  /** Whether an unbound token may act as the worker, claiming it (on registration); see WorkerTokens.bind. */
  bind(tokenId: string, workerId: string, claim: boolean): WorkerBinding;
  heldByAnother(workerId: string, tokenId: string): boolean;
}

/** A request with a worker token: the token, and whether it may act as a given worker. */
export interface WorkerCaller {
  token_id: string;
  name: string;
  /** Whether the token may act as `workerId`: bound to it, or (`claim`, on registration) claimed for it now. */
  bind(workerId: string, claim: boolean): WorkerBinding;
  /** Whether another live token is bound to `workerId`: then its agents are that token's alone. */
  heldByAnother(workerId: string): boolean;
}

/**
 * What a live worker token may act as: the worker it is bound to, or (registering) the one that
 * claims it, if no other live token is bound to that one.
 */
export function workerCaller(
  verdict: Extract<WorkerTokenVerdict, { kind: 'worker' }>,
  tokens: WorkerTokenCheck | undefined,
): WorkerCaller {
  return {
    token_id: verdict.id,
    name: verdict.name,
    bind: (workerId, claim) => {
      if (verdict.worker_id !== null)
        return verdict.worker_id === workerId ? { ok: true } : { ok: false, bound: verdict.worker_id };
      return tokens?.bind(verdict.id, workerId, claim) ?? { ok: false, bound: null };
    },
    heldByAnother: (workerId) => tokens?.heldByAnother(workerId, verdict.id) ?? false,
  };
}

/**
 * A claim over a worker's socket, as over HTTP: the worker the socket was opened for (checked
 * then), its token looked at again first (a revoked one is refused as an HTTP call would be).
 */
export function claimsOverSocket(
  launchToken: string,
  tokens: WorkerTokenCheck | undefined,
  dispatch: Dispatch,
): SocketClaim {
  return async (workerId, presented, claim) => {
    if (!tokensEqual(presented, launchToken)) {
      const verdict = tokens?.verify(presented) ?? null;
      if (verdict?.kind === 'revoked')
        return {
          ok: false,
          status: 401,
          error: {
            code: 'token_revoked',
            message: `worker token "${verdict.name}" (${verdict.id}) was revoked at ${verdict.revoked_at}; make a new one in Settings → Worker tokens`,
          },
        };
      if (verdict === null)
        return {
          ok: false,
          status: 401,
          error: { code: 'session_ended', message: 'the token is not known' },
        };
    }
    const input = claim !== null && typeof claim === 'object' && !Array.isArray(claim) ? claim : {};
    const result = await dispatch('workers.claim', { ...input, worker_id: workerId });
    return result.ok
      ? { ok: true, value: result.value }
      : { ok: false, status: HTTP_STATUS[result.error.code], error: result.error };
  };
}

/**
 * A worker's "work available" socket (past the edge's Host check): no page's Origin, the UI
 * token or a live worker token. A worker that names itself (`?worker=<id>`) must be one its
 * token may act as (the UI token: any).
 */
export function workerUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: RequestTarget,
  signal: WorkerSocket,
  launchToken: string,
  tokens: WorkerTokenCheck | undefined,
): void {
  const presented = bearer(req);
  const ui = tokensEqual(presented, launchToken);
  const verdict = ui ? null : (tokens?.verify(presented) ?? null);
  const named = target.query.get('worker');
  const workerId = named === null || named === '' ? null : named;
  const binding =
    workerId === null || verdict?.kind !== 'worker'
      ? null
      : workerCaller(verdict, tokens).bind(workerId, false);
  const refused: [401 | 403, string] | null =
    req.headers.origin !== undefined
      ? [403, 'for workers, not browser pages']
      : verdict?.kind === 'revoked'
        ? [401, `token_revoked: worker token "${verdict.name}" was revoked`]
        : !ui && verdict === null
          ? [401, '']
          : binding && !binding.ok && verdict?.kind === 'worker'
            ? [403, boundElsewhere(verdict.name, binding, workerId ?? '')]
            : null;
  if (refused) refuseSocket(socket, ...refused);
  else signal.accept(req, socket, head, workerId, presented);
}
