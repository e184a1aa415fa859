import { redact, redactValue } from '../../secrets.ts';
import type { Executor, ExecutorEvent } from '../executor.ts';
import { executorFor } from '../executor.ts';
import { readReply } from './http-reply.ts';
import type { Fetch, RequestSpec } from './http-request.ts';
import { describeUrl, sendForJson } from './http-request.ts';
import type { RetryPolicy } from './retry.ts';
import { DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_MAX_MS, sleep, withRetries } from './retry.ts';
import { taskDocument } from './task-document.ts';

const DEFAULT_TIMEOUT_S = 30;
const CANCELLED: ExecutorEvent = { type: 'error', message: 'cancelled' };

export interface HttpExecutorOptions {
  fetch?: Fetch;
  random?: () => number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * `http` agents: a remote agent service. Baton POSTs `{ task, context, delegation_task_id,
 * attempt }` to the agent's URL. The service answers `200 { status: 'completed', output }` or
 * `{ status: 'failed', error }` at once, or `202 { poll_url }` and is then polled (GET) every
 * `poll_interval_ms` until it says completed or failed; `{ status: 'running', progress?,
 * message? }` meanwhile. Failed requests are retried (5xx, 408, 429, connection errors,
 * timeouts) up to `max_retries` times. The auth secret goes only to the agent's own origin.
 */
export function createHttpExecutor(opts: HttpExecutorOptions = {}): Executor {
  const fetchImpl = opts.fetch ?? fetch;
  return executorFor('http', async function* (ctx, signal) {
    const { agent } = ctx;
    if (signal.aborted) return yield CANCELLED;
    const secret = agent.auth_secret === undefined ? undefined : ctx.secrets.get(agent.auth_secret);
    if (agent.auth_secret !== undefined && secret === undefined) {
      return yield { type: 'error', message: `secret "${agent.auth_secret}" is not set` };
    }
    const secrets = secret === undefined ? [] : [secret];
    const clean = (text: string) => redact(text, secrets);
    const authHeaders: Record<string, string> =
      secret === undefined
        ? {}
        : { [agent.auth_header ?? 'authorization']: agent.auth_header ? secret : `Bearer ${secret}` };
    const origin = new URL(agent.url).origin;
    const headersFor = (url: string): Record<string, string> => ({
      accept: 'application/json',
      ...(new URL(url).origin === origin ? authHeaders : {}),
    });
    const policy: RetryPolicy = {
      maxRetries: agent.max_retries,
      baseMs: opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
      maxMs: opts.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
      random: opts.random ?? Math.random,
    };
    const timeoutMs = (agent.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000;
    /** One request with retries; failures are redacted, since they may quote the answer. */
    const call = (spec: Omit<RequestSpec, 'timeoutMs'>) =>
      withRetries(
        async () => {
          const got = await sendForJson({ ...spec, timeoutMs }, signal, fetchImpl);
          return got.ok ? got : { ...got, error: clean(got.error) };
        },
        policy,
        signal,
      );

    const posted = yield* call({
      url: agent.url,
      method: 'POST',
      headers: {
        ...headersFor(agent.url),
        'content-type': 'application/json',
        'idempotency-key': `${ctx.delegation_task_id}:${ctx.attempt}`,
      },
      body: JSON.stringify({
        task: ctx.task,
        context: taskDocument(ctx),
        delegation_task_id: ctx.delegation_task_id,
        attempt: ctx.attempt,
      }),
    });
    if (!posted.ok)
      return yield posted.aborted || signal.aborted ? CANCELLED : { type: 'error', message: posted.error };
    let reply = readReply(posted.value.status, posted.value.json);

    let pollUrl: string | null = null;
    let percent = 0;
    let last = '';
    for (;;) {
      const where = pollUrl ?? agent.url;
      if (reply.kind === 'done') return yield { type: 'result', output: redactValue(reply.output, secrets) };
      if (reply.kind === 'failed') return yield { type: 'error', message: clean(reply.error) };
      if (reply.kind === 'invalid')
        return yield { type: 'error', message: clean(`${describeUrl(where)} ${reply.error}`) };
      if (reply.poll_url !== undefined) {
        pollUrl = resolvePollUrl(reply.poll_url, where);
        if (pollUrl === null)
          return yield { type: 'error', message: clean(`invalid poll_url "${reply.poll_url}"`) };
      }
      if (pollUrl === null) {
        return yield { type: 'error', message: 'the agent said it is running but gave no poll_url' };
      }
      percent = reply.progress ?? percent;
      const key = JSON.stringify([percent, reply.message]);
      if (key !== last && (reply.progress !== undefined || reply.message !== undefined)) {
        last = key;
        yield reply.message === undefined
          ? { type: 'progress', percent }
          : { type: 'progress', percent, message: clean(reply.message) };
      }
      await sleep(agent.poll_interval_ms, signal);
      if (signal.aborted) return yield CANCELLED;
      const polled = yield* call({ url: pollUrl, method: 'GET', headers: headersFor(pollUrl) });
      if (!polled.ok)
        return yield polled.aborted || signal.aborted ? CANCELLED : { type: 'error', message: polled.error };
      reply = readReply(polled.value.status, polled.value.json);
    }
  });
}

/** An absolute or relative poll URL, resolved against the last URL; http(s) only. */
function resolvePollUrl(pollUrl: string, base: string): string | null {
  try {
    const url = new URL(pollUrl, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
