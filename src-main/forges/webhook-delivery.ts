import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspaceRemote } from '../../src-shared/schemas/forge.ts';
import type { Workspace } from '../../src-shared/schemas/workspace.ts';
import type { RequestTarget } from '../http/request-target.ts';
import { sendJson } from '../http/respond.ts';
import type { HookDesk } from './definition.ts';

/** The largest webhook delivery read. */
export const MAX_BODY = 1024 * 1024;

/** A delivery's bytes as sent (its signature is over them), or null past MAX_BODY. */
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

export const hookError = (code: string, message: string) => ({ error: { code, message } });

/** How one forge's webhooks are told apart and checked (each forge's `webhook.ts`). */
export interface HookCheck {
  /** Whether a workspace's forge takes this route's deliveries. */
  takes: (forge: NonNullable<WorkspaceRemote['forge']>) => boolean;
  /** The 404's words for a workspace it does not take: `no GitLab webhook for "app"`. */
  none: (workspaceId: string) => string;
  /** Whether the delivery is the secret's (its signature, or the secret itself, in its header). */
  valid: (secret: string, body: Buffer, req: IncomingMessage) => boolean;
  /** The forge's name in the log (`GitHub`), the header checked, and the 401's code and words. */
  forge: string;
  header: string;
  refusal: { code: string; message: string };
}

/**
 * A forge's webhook delivery to `POST /api/forge/<forge>/<workspace>`, checked: the workspace
 * (404 when its forge has no webhook secret for this route), the method (405), the size (413),
 * the signature or token against the workspace's secret (401, logged; the body is never acted
 * on), the JSON (400). Null once one of those was answered; else the workspace and the payload.
 */
export async function checkedDelivery(
  desk: HookDesk,
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  check: HookCheck,
): Promise<{ w: Workspace; payload: unknown } | null> {
  const workspaceId = target.segments.length === 5 ? target.segments[4]! : '';
  const w = workspaceId ? desk.workspace(workspaceId) : undefined;
  const forge = w?.remote?.forge;
  if (!w || !forge || !check.takes(forge) || !forge.webhook_secret) {
    sendJson(res, 404, hookError('not_found', check.none(workspaceId)));
    return null;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendJson(res, 405, hookError('method_not_allowed', `${req.method} not allowed on a forge webhook`));
    return null;
  }
  const secret = desk.secret(forge.webhook_secret);
  const body = await rawBody(req);
  if (body === null) {
    sendJson(res, 413, hookError('too_large', `body larger than ${MAX_BODY} bytes`));
    return null;
  }
  if (!secret || !check.valid(secret, body, req)) {
    desk.log(new Error(`bad ${check.header}`), `a ${check.forge} webhook for workspace ${w.id} was refused`);
    sendJson(res, 401, hookError(check.refusal.code, check.refusal.message));
    return null;
  }
  try {
    return { w, payload: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    sendJson(res, 400, hookError('invalid_input', 'the body is not JSON'));
    return null;
  }
}
