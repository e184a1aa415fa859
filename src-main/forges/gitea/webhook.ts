import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTarget } from '../../http/request-target.ts';
import { sendJson } from '../../http/respond.ts';
import type { HookDesk, HookRoute } from '../definition.ts';
import { checkedDelivery } from '../webhook-delivery.ts';

/** Where Gitea (or Forgejo) posts a workspace's webhooks: `POST /api/forge/gitea/<workspace>`. */
export const GITEA_HOOK_PATH = '/api/forge/gitea/';

/** Whether `header` (`X-Gitea-Signature`, or Forgejo's `X-Forgejo-Signature`) is the HMAC-SHA256 hex of `body` with `secret`, compared in constant time. */
export function giteaSignatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const got = Buffer.from(header.trim().toLowerCase());
  return got.length === want.length && timingSafeEqual(got, want);
}

const headerOf = (req: IncomingMessage, ...names: string[]): string => {
  for (const n of names) {
    const v = req.headers[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
};

/**
 * Gitea's (and Forgejo's) webhooks for a workspace whose forge is gitea and names a
 * `webhook_secret`: each delivery's signature is checked against that secret (401 when missing or
 * wrong; the body is never acted on). A `pull_request…` event (opened, synchronized, a review
 * approved or rejected…) makes its pull request due for a poll, a `status` every open one of the
 * workspace, a `push` to the base branch every open one (whether each still merges is read
 * again). The answer (202, with how many are due) goes before the poll, which reads Gitea's own
 * state: a delivery is a hint, never a source of truth. 404 for a workspace without a Gitea
 * webhook secret.
 */
export function giteaHookRoute(desk: HookDesk): HookRoute {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const got = await checkedDelivery(desk, req, res, target, {
      takes: (forge) => forge.kind === 'gitea',
      none: (id) => `no Gitea webhook for "${id}"`,
      valid: (secret, body) =>
        giteaSignatureValid(secret, body, headerOf(req, 'x-gitea-signature', 'x-forgejo-signature')),
      forge: 'Gitea',
      header: 'X-Gitea-Signature',
      refusal: {
        code: 'bad_signature',
        message: 'X-Gitea-Signature does not match the workspace’s webhook secret',
      },
    });
    if (got === null) return;
    const { w } = got;
    // The event's full name (`pull_request_review_rejected`), else its short one (`pull_request_rejected`).
    const event = headerOf(
      req,
      'x-gitea-event-type',
      'x-forgejo-event-type',
      'x-gitea-event',
      'x-forgejo-event',
    );
    const payload = got.payload as { number?: unknown; pull_request?: { number?: unknown }; ref?: unknown };
    const number = Number(payload.pull_request?.number ?? payload.number);
    const baseMoved =
      event === 'push' && payload.ref === `refs/heads/${w.remote?.base_branch ?? w.base_branch}`;
    const due = desk.due(
      w.id,
      (l) => event === 'status' || baseMoved || (event.startsWith('pull_request') && l.pr_number === number),
    );
    sendJson(res, 202, { event, due });
    if (due > 0) await desk.pollNow().catch((err: unknown) => desk.log(err, 'polling after a Gitea webhook'));
  };
}
