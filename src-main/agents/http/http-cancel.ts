import type { HttpAgent } from '../../../src-shared/schemas/agent.ts';
import { CANCEL_URL_PLACEHOLDERS } from '../../../src-shared/schemas/agent.ts';
import type { Fetch } from '../shared/http-request.ts';
import { describeUrl, send } from '../shared/http-request.ts';

/** A short limit: telling an agent to stop is best effort and must not linger. */
export const DEFAULT_CANCEL_TIMEOUT_MS = 5_000;

/** Writes an info line into an attempt's task log, even after the attempt has ended. */
export type AttemptLog = (line: { run_id: string; task_id: string; attempt: number; text: string }) => void;

/** Which attempt is being cancelled, and why (`cancelled`, `timeout`, `run ended`). */
export interface CancelledAttempt {
  run_id: string;
  task_id: string;
  delegation_task_id: string;
  attempt: number;
  reason: string;
}

export interface CancelRequest {
  method: 'POST' | 'DELETE';
  url: string;
  body?: string;
}

/**
 * Where to tell an agent that an accepted task is cancelled: the agent's configured
 * `cancel_url` (a template, POSTed), else the `cancel_url` the agent answered (POSTed), else
 * a DELETE on its `poll_url`. Null when there is none of these.
 */
export function cancelRequest(
  agent: HttpAgent,
  job: { pollUrl: string | null; cancelUrl: string | null },
  attempt: CancelledAttempt,
): CancelRequest | null {
  const body = JSON.stringify(attempt);
  if (agent.cancel_url !== undefined) {
    const url = resolveHttpUrl(expand(agent.cancel_url, attempt), agent.url);
    return url === null ? null : { method: 'POST', url, body };
  }
  if (job.cancelUrl !== null) return { method: 'POST', url: job.cancelUrl, body };
  if (job.pollUrl !== null) return { method: 'DELETE', url: job.pollUrl };
  return null;
}

/**
 * Sends a cancel request once, without retries, within `timeoutMs`, and says how it went as
 * a log line. Never throws and never waits on the task's own (aborted) signal.
 */
export async function sendCancel(
  req: CancelRequest,
  headers: Record<string, string>,
  timeoutMs: number,
  fetchImpl: Fetch,
): Promise<string> {
  const what = `${req.method} ${describeUrl(req.url)}`;
  try {
    const sent = await send(
      {
        url: req.url,
        method: req.method,
        headers: req.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(req.body === undefined ? {} : { body: req.body }),
        timeoutMs,
      },
      new AbortController().signal,
      fetchImpl,
    );
    if (!sent.ok) return `could not tell the agent to stop: ${sent.error}`;
    await sent.value.body?.cancel().catch(() => {});
    return `told the agent to stop: ${what} answered ${sent.value.status}`;
  } catch (err) {
    return `could not tell the agent to stop: ${what} failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Any of the placeholders (`{run_id}`, `{task_id}`, `{delegation_task_id}`, `{attempt}`). */
const PLACEHOLDER = new RegExp(`\\{(${CANCEL_URL_PLACEHOLDERS.join('|')})\\}`, 'g');

/** The template with its placeholders replaced by the attempt's values, URL-encoded. */
function expand(template: string, attempt: CancelledAttempt): string {
  return template.replace(PLACEHOLDER, (_, name: string) =>
    encodeURIComponent(String(attempt[name as keyof CancelledAttempt])),
  );
}

/** An absolute or relative URL, resolved against `base`; http(s) only. */
export function resolveHttpUrl(url: string, base: string): string | null {
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : null;
  } catch {
    return null;
  }
}
