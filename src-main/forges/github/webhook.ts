import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTarget } from '../../http/request-target.ts';
import { sendJson } from '../../http/respond.ts';
import type { HookDesk, HookRoute } from '../definition.ts';
import { checkedDelivery } from '../webhook-delivery.ts';

/** Where GitHub posts a workspace's webhooks: `POST /api/forge/github/<workspace>`. */
export const FORGE_HOOK_PATH = '/api/forge/github/';

/** Whether `header` (`X-Hub-Signature-256`) is GitHub's signature of `body` with `secret`: `sha256=` and the HMAC-SHA256 hex, compared in constant time. */
export function hubSignatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * GitHub's webhooks for a workspace whose forge names a `webhook_secret`: each delivery's
 * `X-Hub-Signature-256` is checked against that secret (401 when it is missing or wrong; the
 * body is never acted on), then a `pull_request`, `check_run`, `check_suite`, `status`, `push` or
 * `pull_request_review` event makes the pull requests it is about due for a poll at once (the
 * poll reads GitHub's own state, so a delivery is a hint and never a source of truth); an
 * `issues` event (opened, labeled, reopened) makes the workspace's `github_issues` triggers read
 * its issues at once. 404 for a workspace without a forge webhook secret; else 202 as soon as the
 * delivery is checked and parsed (with how many landings were made due, or whether the issues are
 * read): GitHub gives a delivery 10 s, so the poll it asks for goes on in the background, its
 * errors said in the log.
 */
export function githubHookRoute(desk: HookDesk): HookRoute {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const got = await checkedDelivery(desk, req, res, target, {
      takes: () => true,
      none: (id) => `no forge webhook for "${id}"`,
      valid: (secret, body) => {
        const signature = req.headers['x-hub-signature-256'];
        return hubSignatureValid(secret, body, typeof signature === 'string' ? signature : undefined);
      },
      forge: 'GitHub',
      header: 'X-Hub-Signature-256',
      refusal: {
        code: 'bad_signature',
        message: 'X-Hub-Signature-256 does not match the workspace’s webhook secret',
      },
    });
    if (got === null) return;
    const { w } = got;
    const event = String(req.headers['x-github-event'] ?? '');
    const payload = got.payload as { number?: unknown; pull_request?: { number?: unknown } };
    if (event === 'issues') {
      // An issue opened, labelled or reopened: the workspace's `github_issues` triggers read GitHub's issues now.
      const action = (payload as { action?: unknown }).action;
      const reads = typeof action === 'string' && ['opened', 'labeled', 'reopened'].includes(action);
      const reading = reads && desk.issuesDelivered !== undefined;
      if (reading)
        void desk
          .issuesDelivered?.(w.id)
          .catch((err: unknown) =>
            desk.log(err, `reading the issues of workspace ${w.id} after a GitHub webhook`),
          );
      return sendJson(res, 202, { event, reading });
    }
    const number = Number(payload.pull_request?.number ?? payload.number);
    // A push moves a pull request's base only when it is to the branch pull requests are opened
    // against (not Baton's own pushes to their branches, nor tags).
    const ref = (payload as { ref?: unknown }).ref;
    const baseMoved = event === 'push' && ref === `refs/heads/${w.remote?.base_branch ?? w.base_branch}`;
    const due = desk.due(
      w.id,
      (l) =>
        event.startsWith('check_') ||
        event === 'status' ||
        // A push to the base branch: whether each pull request still merges is read again.
        baseMoved ||
        (event.startsWith('pull_request') && l.pr_number === number),
    );
    if (due > 0)
      void desk
        .pollNow()
        .catch((err: unknown) =>
          desk.log(err, `polling pull requests of workspace ${w.id} after a GitHub webhook`),
        );
    return sendJson(res, 202, { event, polled: due });
  };
}
