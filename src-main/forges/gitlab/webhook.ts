import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTarget } from '../../http/request-target.ts';
import { sendJson } from '../../http/respond.ts';
import type { HookDesk, HookRoute } from '../definition.ts';
import { checkedDelivery } from '../webhook-delivery.ts';

/** Whether GitLab's `X-Gitlab-Token` is the webhook's secret, compared in constant time (of their digests: any length). */
export function gitlabTokenValid(secret: string, header: string | undefined): boolean {
  if (header === undefined || header === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(secret), digest(header));
}

/** What Baton reads of a GitLab webhook's body (Merge Request, Pipeline, Job, Note and Push hooks). */
interface HookBody {
  object_kind?: unknown;
  ref?: unknown;
  object_attributes?: { iid?: unknown; ref?: unknown };
  merge_request?: { iid?: unknown } | null;
}

/**
 * GitLab's webhooks for a workspace whose forge is GitLab and names a `webhook_secret`
 * (`POST /api/forge/gitlab/<workspace>`): GitLab sends the secret as it is in `X-Gitlab-Token`
 * (no signature), checked in constant time (401 when missing or wrong; the body is never acted
 * on). Answered at once (202, with how many landings are due), as GitLab waits 10 s at most and
 * disables a hook that keeps failing; the poll then runs in the background and reads GitLab's
 * own state (a delivery is a hint, never a source of truth). A Merge Request Hook or Note Hook
 * makes its merge request due; a Pipeline Hook or Job Hook the merge request it ran for (by its
 * `merge_request`, else the branch it ran on); a Push Hook to the base branch every open one
 * (whether each still merges is read again). 404 for a workspace without a GitLab webhook.
 */
export function gitlabHookRoute(desk: HookDesk): HookRoute {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const got = await checkedDelivery(desk, req, res, target, {
      takes: (forge) => forge.kind === 'gitlab',
      none: (id) => `no GitLab webhook for "${id}"`,
      valid: (secret) => {
        const token = req.headers['x-gitlab-token'];
        return gitlabTokenValid(secret, typeof token === 'string' ? token : undefined);
      },
      forge: 'GitLab',
      header: 'X-Gitlab-Token',
      refusal: { code: 'bad_token', message: 'X-Gitlab-Token is not the workspace’s webhook secret' },
    });
    if (got === null) return;
    const { w } = got;
    const hook = (got.payload ?? {}) as HookBody;
    const kind = typeof hook.object_kind === 'string' ? hook.object_kind : '';
    const attrs = hook.object_attributes ?? {};
    // The merge request a hook is about: its own (merge_request), or the one a note, pipeline or job names.
    const iid = Number(kind === 'merge_request' ? attrs.iid : hook.merge_request?.iid);
    // A pipeline's branch (`object_attributes.ref`), a job's (`ref`).
    const ranOn = String(kind === 'pipeline' ? attrs.ref : hook.ref);
    const baseMoved = kind === 'push' && hook.ref === `refs/heads/${w.remote?.base_branch ?? w.base_branch}`;
    const due = desk.due(
      w.id,
      (l) =>
        baseMoved ||
        l.pr_number === iid ||
        (['pipeline', 'build'].includes(kind) && !Number.isFinite(iid) && ranOn === l.branch),
    );
    sendJson(res, 202, { event: kind, due });
    if (due > 0) desk.pollNow().catch((err: unknown) => desk.log(err, `polling after a GitLab ${kind} hook`));
  };
}
