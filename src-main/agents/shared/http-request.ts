import type { SecretResolver } from '../../secrets/secrets.ts';
import { formatBytes, OUTPUT_CAPS, OutputCapError, resultCapError } from './output-caps.ts';
import type { Attempt } from './retry.ts';
import { limitOfAnswer } from './usage-limits.ts';

export type Fetch = typeof fetch;

export interface RequestSpec {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  /** For the whole request, reading the answer included. */
  timeoutMs: number;
}

/**
 * The secret an agent names for its requests (`auth_secret`, `api_key_secret`): its value,
 * undefined when the agent names none, or an error when it names one that is not set.
 */
export function requestSecret(
  secrets: SecretResolver,
  name: string | undefined,
): { ok: true; value: string | undefined } | { ok: false; error: string } {
  if (name === undefined) return { ok: true, value: undefined };
  const value = secrets.get(name);
  return value === undefined ? { ok: false, error: `secret "${name}" is not set` } : { ok: true, value };
}

/** Error answers are quoted in messages up to this length. */
const ERROR_BODY_CHARS = 300;
/** Longest answer read as JSON: the result cap of http agents. */
export const MAX_JSON_BYTES = OUTPUT_CAPS.http.result;

/**
 * One HTTP request. A 2xx answer is returned with its body unread; everything else becomes
 * a failure that says whether retrying may help: 5xx, 408, 429, connection errors and
 * timeouts may; other answers may not. Aborting `signal` ends the request at once.
 */
export async function send(
  spec: RequestSpec,
  signal: AbortSignal,
  fetchImpl: Fetch,
  /** The engine's clock, which a reset given as a time is measured on (`engineNow`). */
  now: () => number = Date.now,
): Promise<Attempt<Response>> {
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const where = describeUrl(spec.url);
  let res: Response;
  try {
    res = await fetchImpl(spec.url, {
      method: spec.method,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      signal: AbortSignal.any([signal, timeout]),
      redirect: 'error',
    });
  } catch (err) {
    return failure(err, signal, timeout, `${spec.method} ${where}`, spec.timeoutMs);
  }
  if (res.ok) return { ok: true, value: res };
  const text = await readText(res, 64 * 1024).catch(() => '');
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  const limit = limitOfAnswer(res.status, res.headers, text);
  // Until the limit's reset: its `retry-after`, else the vendor's reset headers.
  const retryAfter =
    retryAfterMs(res.headers.get('retry-after'), now()) ??
    limit?.reset_in_ms ??
    (limit?.reset_at !== undefined ? Math.max(0, Date.parse(limit.reset_at) - now()) : undefined);
  return {
    ok: false,
    error: `${spec.method} ${where} answered ${res.status}${text ? `: ${text.slice(0, ERROR_BODY_CHARS)}` : ''}`,
    retryable: retryable && limit?.window !== 'quota',
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    ...(limit ? { limit } : {}),
  };
}

/** `send`, then the answer's JSON body, read under the same timeout. */
export async function sendForJson(
  spec: RequestSpec,
  signal: AbortSignal,
  fetchImpl: Fetch,
  now: () => number = Date.now,
): Promise<Attempt<{ status: number; json: unknown }>> {
  const sent = await send(spec, signal, fetchImpl, now);
  if (!sent.ok) return sent;
  const where = `${spec.method} ${describeUrl(spec.url)}`;
  let text: string;
  try {
    text = await readText(sent.value, MAX_JSON_BYTES, resultCapError('http'));
  } catch (err) {
    return failure(err, signal, null, where, spec.timeoutMs);
  }
  try {
    return { ok: true, value: { status: sent.value.status, json: text ? JSON.parse(text) : null } };
  } catch {
    return { ok: false, error: `${where} answered ${sent.value.status} with invalid JSON`, retryable: false };
  }
}

/**
 * Reads a body as text. Past `maxBytes` it cancels the request, nothing more is read, and
 * throws an OutputCapError with `tooLarge` as its message.
 */
export async function readText(
  res: Response,
  maxBytes: number,
  tooLarge = `the answer is larger than ${formatBytes(maxBytes)}`,
): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new OutputCapError(tooLarge);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request threw: cancelled, timed out, or the server could not be reached. */
export function failure(
  err: unknown,
  signal: AbortSignal,
  timeout: AbortSignal | null,
  what: string,
  timeoutMs: number,
): Attempt<never> {
  if (signal.aborted) return { ok: false, error: 'cancelled', retryable: false, aborted: true };
  // The same answer would be too large again.
  if (err instanceof OutputCapError) return { ok: false, error: `${what}: ${err.message}`, retryable: false };
  if (timeout?.aborted || isTimeout(err)) {
    return { ok: false, error: `${what} timed out after ${timeoutMs / 1000} s`, retryable: true };
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const detail = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return { ok: false, error: `${what} failed: ${detail}`, retryable: true };
}

/** Origin and path only: a query string may carry a token. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether a request or a body read failed because its timeout signal fired. */
export function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError';
}
