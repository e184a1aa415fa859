import type { Webhook as Signer } from 'standardwebhooks';
import type { Webhook, WebhookPayload } from '../../../src-shared/schemas/webhook.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import { slackBody } from './events.ts';
import type { DueDelivery, WebhooksRepo } from './repo.ts';

export interface RetryPolicy {
  /** Wait before attempt 2, 3, …: the last one repeats. */
  delaysMs: readonly number[];
  /** A delivery not through this long after it was queued is given up (status failed). */
  maxAgeMs: number;
  /** One attempt's limit, headers and body. */
  timeoutMs: number;
}

/** Standard Webhooks' suggested schedule, bounded to a day. */
export const DEFAULT_RETRY: RetryPolicy = {
  delaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000],
  maxAgeMs: 86_400_000,
  timeoutMs: 10_000,
};

/**
 * A key from the secret: `whsec_<base64>` as Standard Webhooks mints them, else the text's bytes
 * (`format: raw`), so any secret a receiver was given works.
 */
export async function signerFor(secret: string): Promise<Signer> {
  // Loaded at the first signed delivery, not at Baton's start.
  const { Webhook } = await import('standardwebhooks');
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
}

/** The body a subscription receives for a payload, as sent and signed. */
export function bodyFor(format: Webhook['format'], payload: WebhookPayload): string {
  return JSON.stringify(format === 'slack' ? slackBody(payload) : payload);
}

/**
 * One attempt of a delivery: signed (webhook-id, webhook-timestamp, webhook-signature; a Slack
 * webhook without a secret goes without the signature), POSTed
 * without following redirects, within the timeout; a 2xx answer delivers it. Anything else is
 * tried again after the next delay, until the delivery is older than the bound.
 */
export async function attemptDelivery(
  d: DueDelivery,
  hook: Webhook | undefined,
  deps: {
    repo: WebhooksRepo;
    secrets: SecretResolver;
    now: () => number;
    retry: RetryPolicy;
    /** Aborted when Baton stops: the attempt ends at once (its delivery stays pending). */
    stopped: AbortSignal;
  },
): Promise<void> {
  const { repo, retry } = deps;
  const started = deps.now();
  let code: number | null = null;
  let error: string | null = null;
  if (!hook) error = 'the webhook was removed';
  else {
    // Unsigned only where no secret is named (a Slack-format webhook); a secret named but unset fails.
    const secret = hook.secret_name === null ? null : deps.secrets.get(hook.secret_name);
    if (secret === undefined)
      error = `no secret named "${hook.secret_name}" is set (Settings → Secrets, or BATON_SECRET_*)`;
    else {
      try {
        const body = bodyFor(hook.format, JSON.parse(d.payload) as WebhookPayload);
        const at = new Date(started);
        const signature = secret === null ? null : (await signerFor(secret)).sign(d.id, at, body);
        const res = await fetch(hook.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(retry.timeoutMs), deps.stopped]),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Baton-Webhooks/1',
            'webhook-id': d.id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            ...(signature === null ? {} : { 'webhook-signature': signature }),
          },
          body,
        });
        code = res.status;
        await res.body?.cancel().catch(() => {});
        if (code < 200 || code > 299) error = `answered ${code}`;
      } catch (err) {
        error = describeFetchError(err);
      }
    }
  }
  if (deps.stopped.aborted) return;
  const at = deps.now();
  if (error === null) {
    repo.recordAttempt({ id: d.id, status: 'delivered', at, next: null, code, error: null });
    return;
  }
  const attempts = d.attempts + 1;
  const delay = retry.delaysMs[Math.min(attempts - 1, retry.delaysMs.length - 1)] ?? 60_000;
  const next = at + delay;
  const giveUp = !hook || next > d.created_at + retry.maxAgeMs;
  repo.recordAttempt({
    id: d.id,
    status: giveUp ? 'failed' : 'pending',
    at,
    next: giveUp ? null : next,
    code,
    error: giveUp && hook ? `${error}; gave up after ${attempts} attempt(s)` : error,
  });
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'no answer in time';
    const cause = (err as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : '';
    return detail ? `${err.message}: ${detail}` : err.message;
  }
  return String(err);
}
