import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { bearer } from '../../http/auth.ts';
import { refuseSocket } from '../../http/edge.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { HTTP_STATUS } from '../../http/respond.ts';
import { tokensEqual } from '../../http/security.ts';
import type { WorkerTokenVerdict } from '../../workers/index.ts';
import { boundElsewhere } from '../../workers/index.ts';
import type { BrowserHostOptions, WorkerCaller } from './server.ts';
import type { SocketClaim, WorkerSocket } from './worker-socket.ts';

/**
 * How remote workers come in through the browser host: a claim over a worker's socket, what a
 * worker token may act as, and the worker's "work available" socket opened. `token`: this
 * launch's, which may act as any worker.
 */
export function createWorkerDoors(
  opts: Pick<BrowserHostOptions, 'dispatch' | 'workerTokens'>,
  token: string,
) {
  /**
   * A claim over a worker's socket, as over HTTP: the worker the socket was opened for (checked
   * then), its token looked at again first (a revoked one is refused as an HTTP call would be).
   */
  const claimOverSocket: SocketClaim = async (workerId, presented, claim) => {
    if (!tokensEqual(presented, token)) {
      const verdict = opts.workerTokens?.verify(presented) ?? null;
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
    const result = await opts.dispatch('workers.claim', { ...input, worker_id: workerId });
    return result.ok
      ? { ok: true, value: result.value }
      : { ok: false, status: HTTP_STATUS[result.error.code], error: result.error };
  };

  /**
   * What a live worker token may act as: the worker it is bound to, or (registering) the one that
   * claims it, if no other live token is bound to that one.
   */
  function workerCaller(verdict: Extract<WorkerTokenVerdict, { kind: 'worker' }>): WorkerCaller {
    return {
      token_id: verdict.id,
      name: verdict.name,
      bind: (workerId, claim) => {
        if (verdict.worker_id !== null)
          return verdict.worker_id === workerId ? { ok: true } : { ok: false, bound: verdict.worker_id };
        return opts.workerTokens?.bind(verdict.id, workerId, claim) ?? { ok: false, bound: null };
      },
      heldByAnother: (workerId) => opts.workerTokens?.heldByAnother(workerId, verdict.id) ?? false,
    };
  }

  /**
   * A worker's "work available" socket (past the edge's Host check): no page's Origin, the UI
   * token or a live worker token. A worker that names itself (`?worker=<id>`) must be one its
   * token may act as (the UI token: any).
   */
  function workerUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: RequestTarget,
    signal: WorkerSocket,
  ): void {
    const presented = bearer(req);
    const ui = tokensEqual(presented, token);
    const verdict = ui ? null : (opts.workerTokens?.verify(presented) ?? null);
    const named = target.query.get('worker');
    const workerId = named === null || named === '' ? null : named;
    const binding =
      workerId === null || verdict?.kind !== 'worker' ? null : workerCaller(verdict).bind(workerId, false);
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

  return { claimOverSocket, workerCaller, workerUpgrade };
}
