import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTarget } from '../../../http/request-target.ts';
import { sendJson } from '../../../http/respond.ts';
import type { LandingDeps } from './landing-deps.ts';

/** Where GitHub posts a workspace's webhooks: `POST /api/forge/github/<workspace>`. */
export const FORGE_HOOK_PATH = '/api/forge/github/';
export const MAX_BODY = 1024 * 1024;

/** Whether `header` (`X-Hub-Signature-256`) is GitHub's signature of `body` with `secret`: `sha256=` and the HMAC-SHA256 hex, compared in constant time. */
export function hubSignatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function rawBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const error = (code: string, message: string) => ({ error: { code, message } });

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
export function createForgeHookRoute(deps: LandingDeps, pollNow: () => Promise<void>) {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const workspaceId = target.segments.length === 5 ? target.segments[4]! : '';
    const w = workspaceId ? deps.store.workspaces.get(workspaceId) : undefined;
    const secretName = w?.remote?.forge?.webhook_secret;
    if (!w || !secretName)
      return sendJson(res, 404, error('not_found', `no forge webhook for "${workspaceId}"`));
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, error('method_not_allowed', `${req.method} not allowed on a forge webhook`));
    }
    const secret = deps.secrets.get(secretName);
    const body = await rawBody(req);
    if (body === null) return sendJson(res, 413, error('too_large', `body larger than ${MAX_BODY} bytes`));
    const signature = req.headers['x-hub-signature-256'];
    if (!secret || !hubSignatureValid(secret, body, typeof signature === 'string' ? signature : undefined)) {
      deps.log(new Error('bad X-Hub-Signature-256'), `a GitHub webhook for workspace ${w.id} was refused`);
      return sendJson(
        res,
        401,
        error('bad_signature', 'X-Hub-Signature-256 does not match the workspace’s webhook secret'),
      );
    }
    const event = String(req.headers['x-github-event'] ?? '');
    let payload: { number?: unknown; pull_request?: { number?: unknown } } = {};
    try {
      payload = JSON.parse(body.toString('utf8')) as typeof payload;
    } catch {
      return sendJson(res, 400, error('invalid_input', 'the body is not JSON'));
    }
    if (event === 'issues') {
      // An issue opened, labelled or reopened: the workspace's `github_issues` triggers read GitHub's issues now.
      const action = (payload as { action?: unknown }).action;
      const reads = typeof action === 'string' && ['opened', 'labeled', 'reopened'].includes(action);
      const reading = reads && deps.issuesDelivered !== undefined;
      if (reading)
        void deps
          .issuesDelivered?.(w.id)
          .catch((err: unknown) =>
            deps.log(err, `reading the issues of workspace ${w.id} after a GitHub webhook`),
          );
      return sendJson(res, 202, { event, reading });
    }
    const number = Number(payload.pull_request?.number ?? payload.number);
    // A push moves a pull request's base only when it is to the branch pull requests are opened
    // against (not Baton's own pushes to their branches, nor tags).
    const ref = (payload as { ref?: unknown }).ref;
    const baseMoved = event === 'push' && ref === `refs/heads/${w.remote?.base_branch ?? w.base_branch}`;
    const due = deps.store.landings.followed().filter(
      (l) =>
        l.workspace_id === w.id &&
        l.state === 'open' &&
        (event.startsWith('check_') ||
          event === 'status' ||
          // A push to the base branch: whether each pull request still merges is read again.
          baseMoved ||
          (event.startsWith('pull_request') && l.pr_number === number)),
    );
    for (const l of due) deps.store.landings.save({ ...l, next_poll_at: 0 });
    if (due.length > 0)
      void pollNow().catch((err: unknown) =>
        deps.log(err, `polling pull requests of workspace ${w.id} after a GitHub webhook`),
      );
    return sendJson(res, 202, { event, polled: due.length });
  };
}
