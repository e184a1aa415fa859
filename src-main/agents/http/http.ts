import type { Executor } from '../../engine/executor.ts';
import { CANCELLED, usageLimited } from '../../engine/executor.ts';
import { redact, redactValue } from '../../secrets/secrets.ts';
import type { Fetch, RequestSpec } from '../shared/http-request.ts';
import { describeUrl, requestSecret, sendForJson } from '../shared/http-request.ts';
import { cappedExecutor } from '../shared/output-caps.ts';
import type { RetryOptions } from '../shared/retry.ts';
import { retryPolicy, sleep, withRetries } from '../shared/retry.ts';
import { taskDocument } from '../shared/task-document.ts';
import type { AgentCallbacks } from './http-callbacks.ts';
import type { AttemptLog } from './http-cancel.ts';
import { cancelRequest, DEFAULT_CANCEL_TIMEOUT_MS, resolveHttpUrl, sendCancel } from './http-cancel.ts';
import { readCallback, readReply } from './http-reply.ts';

const DEFAULT_TIMEOUT_S = 30;
/** The header that hands an agent its per-attempt callback token. */
const CALLBACK_TOKEN_HEADER = 'x-baton-callback-token';

export interface HttpExecutorOptions extends RetryOptions {
  fetch?: Fetch;
  /** Callback slots, served by the browser host; without them (or a host) agents are polled. */
  agentCallbacks?: AgentCallbacks;
  /** Where the outcome of a cancel request is logged (it comes after the attempt ended). */
  attemptLog?: AttemptLog;
  /** Limit for a cancel request (default 5 s). */
  cancelTimeoutMs?: number;
}

/**
 * `http` agents: a remote agent service. Baton POSTs `{ task, context, delegation_task_id,
 * attempt, callback_url? }` to the agent's URL. The service answers `200 { status:
 * 'completed', output }` or `{ status: 'failed', error }` at once, or accepts with `202`:
 *
 * - **callback**: when Baton's server is running and the agent has `callback` on, the POST
 *   carries `callback_url` and the header `X-Baton-Callback-Token`. The agent POSTs to that
 *   URL, with `Authorization: Bearer <token>`, `{ status: 'running', progress?, message?,
 *   log? }` as often as it likes and then once `{ status: 'completed', output }` or
 *   `{ status: 'failed', error }` (see http-callbacks.ts, host/rest/agent-callbacks.ts).
 * - **poll**: the 202 names a `poll_url`, polled (GET) every `poll_interval_ms` until it
 *   says completed or failed; `{ status: 'running', progress?, message? }` meanwhile. With
 *   both, whichever says the task ended first wins.
 *
 * Failed requests are retried (5xx, 408, 429, connection errors, timeouts) up to
 * `max_retries` times; an answer over the 16 MB result cap is not (output-caps.ts). The auth
 * secret goes only to the agent's own origin. When an accepted task is cancelled or times
 * out, the agent is told once, best effort (`http-cancel.ts`).
 */
export function createHttpExecutor(opts: HttpExecutorOptions = {}): Executor {
  const fetchImpl = opts.fetch ?? fetch;
  return cappedExecutor('http', async function* (ctx, signal) {
    const { agent } = ctx;
    const auth = requestSecret(ctx.secrets, agent.auth_secret);
    if (!auth.ok) return yield { type: 'error', message: auth.error };
    const secret = auth.value;
    const slot = agent.callback ? (opts.agentCallbacks?.open() ?? null) : null;
    const secrets = [...(secret === undefined ? [] : [secret]), ...(slot ? [slot.token] : [])];
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
    const policy = retryPolicy(agent.max_retries, opts);
    const timeoutMs = (agent.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000;
    /** One request with retries; failures are redacted, since they may quote the answer. */
    const call = (spec: Omit<RequestSpec, 'timeoutMs'>) =>
      withRetries(
        async () => {
          const got = await sendForJson({ ...spec, timeoutMs }, signal, fetchImpl, opts.engineNow);
          return got.ok ? got : { ...got, error: clean(got.error) };
        },
        policy,
        signal,
      );

    /** What the agent told us about its job: where to poll it, where to cancel it. */
    const job = { pollUrl: null as string | null, cancelUrl: null as string | null };
    /** Runs once, when the signal aborts an accepted task; never waits for the request. */
    const tellAgentToStop = () => {
      // Runs inside the engine's abort() or later on its own: a failing log must not escape.
      const log = (text: string) => {
        try {
          opts.attemptLog?.({
            run_id: ctx.run_id,
            task_id: ctx.task.task_id,
            attempt: ctx.attempt,
            text: clean(text),
          });
        } catch {
          // the store is closing: the line is lost, the cancel was still sent
        }
      };
      const req = cancelRequest(agent, job, {
        run_id: ctx.run_id,
        task_id: ctx.task.task_id,
        delegation_task_id: ctx.delegation_task_id,
        attempt: ctx.attempt,
        reason: abortReason(signal),
      });
      if (req === null) {
        return log(
          'the agent was not told to stop: it gave no poll_url or cancel_url, and has no cancel_url',
        );
      }
      void sendCancel(
        req,
        headersFor(req.url),
        opts.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS,
        fetchImpl,
      ).then(log);
    };

    try {
      const posted = yield* call({
        url: agent.url,
        method: 'POST',
        headers: {
          ...headersFor(agent.url),
          'content-type': 'application/json',
          'idempotency-key': `${ctx.delegation_task_id}:${ctx.attempt}`,
          ...(slot ? { [CALLBACK_TOKEN_HEADER]: slot.token } : {}),
        },
        body: JSON.stringify({
          task: ctx.task,
          context: taskDocument(ctx),
          delegation_task_id: ctx.delegation_task_id,
          attempt: ctx.attempt,
          ...(slot ? { callback_url: slot.url } : {}),
        }),
      });
      if (!posted.ok)
        return yield posted.aborted || signal.aborted
          ? CANCELLED
          : posted.limit
            ? usageLimited({ ...posted.limit, message: clean(posted.limit.message) })
            : { type: 'error', message: posted.error };
      let reply = readReply(posted.value.status, posted.value.json, { callback: slot !== null });
      if (reply.kind === 'running') {
        if (signal.aborted) tellAgentToStop();
        else signal.addEventListener('abort', tellAgentToStop, { once: true });
      }

      let percent = 0;
      let last = '';
      for (;;) {
        const where = job.pollUrl ?? agent.url;
        if (reply.kind === 'done')
          return yield { type: 'result', output: redactValue(reply.output, secrets) };
        if (reply.kind === 'failed') return yield { type: 'error', message: clean(reply.error) };
        if (reply.kind === 'invalid')
          return yield { type: 'error', message: clean(`${describeUrl(where)} ${reply.error}`) };
        if (reply.poll_url !== undefined) {
          job.pollUrl = resolveHttpUrl(reply.poll_url, where);
          if (job.pollUrl === null)
            return yield { type: 'error', message: clean(`invalid poll_url "${reply.poll_url}"`) };
        }
        if (reply.cancel_url !== undefined) {
          job.cancelUrl = resolveHttpUrl(reply.cancel_url, where);
          if (job.cancelUrl === null)
            return yield { type: 'error', message: clean(`invalid cancel_url "${reply.cancel_url}"`) };
        }
        if (job.pollUrl === null && slot === null) {
          return yield { type: 'error', message: 'the agent said it is running but gave no poll_url' };
        }
        for (const line of reply.log ?? []) yield { type: 'log', stream: 'stdout', text: clean(line) };
        percent = reply.progress ?? percent;
        const key = JSON.stringify([percent, reply.message]);
        if (key !== last && (reply.progress !== undefined || reply.message !== undefined)) {
          last = key;
          yield reply.message === undefined
            ? { type: 'progress', percent }
            : { type: 'progress', percent, message: clean(reply.message) };
        }
        if (slot) {
          // Wait for the agent's callback; with a poll_url too, poll when it is quiet.
          const message = await slot.next(signal, job.pollUrl === null ? Infinity : agent.poll_interval_ms);
          if (signal.aborted) return yield CANCELLED;
          if (message !== null) {
            reply = readCallback(message);
            continue;
          }
        } else {
          await sleep(agent.poll_interval_ms, signal);
          if (signal.aborted) return yield CANCELLED;
        }
        const pollUrl = job.pollUrl!;
        const polled = yield* call({ url: pollUrl, method: 'GET', headers: headersFor(pollUrl) });
        if (!polled.ok)
          return yield polled.aborted || signal.aborted
            ? CANCELLED
            : polled.limit
              ? usageLimited({ ...polled.limit, message: clean(polled.limit.message) })
              : { type: 'error', message: polled.error };
        reply = readReply(polled.value.status, polled.value.json);
      }
    } finally {
      signal.removeEventListener('abort', tellAgentToStop);
      slot?.close();
    }
  });
}

/** Why the engine aborted: `cancelled`, `run ended` (task-flow.ts) or `timeout` (attempts.ts). */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name !== 'AbortError' && reason.message
    ? reason.message
    : 'cancelled';
}
