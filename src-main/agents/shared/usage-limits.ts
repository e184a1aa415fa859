import type { UsageLimitSignal } from '../../../src-shared/schemas/usage-limit.ts';

/**
 * Whether an HTTP answer says the account ran out (a usage or rate limit), and when it comes
 * back, from what the vendors document:
 * - any server: `429 Too Many Requests` with `retry-after` in seconds or as an HTTP date (RFC 9110);
 * - Anthropic: an error body of type `rate_limit_error`, `retry-after`, and
 *   `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{remaining,reset}` (the reset
 *   an RFC 3339 time);
 * - OpenAI: error codes `rate_limit_exceeded` and `insufficient_quota` (a plan's quota or billing:
 *   no reset said), and `x-ratelimit-{remaining,reset}-{requests,tokens}` (the reset a duration
 *   such as `1s`, `6m0s`, `20ms`).
 * The window that ran out is the one whose `remaining` is 0 (else the one that resets last).
 * Undefined for any other answer.
 */
export function limitOfAnswer(status: number, headers: Headers, body: string): UsageLimitSignal | undefined {
  const error = vendorError(body);
  const code = error?.code ?? null;
  if (status !== 429 && !(code !== null && LIMIT_CODES.has(code))) return undefined;
  const message = error
    ? `${code ? `${code}: ` : ''}${error.message ?? `HTTP ${status}`}`
    : `HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  const signal: UsageLimitSignal = { message: message.slice(0, 1_000) };
  // A quota (billing, a plan's monthly cap) does not come back by itself: no reset is said.
  if (code === 'insufficient_quota') return { ...signal, window: 'quota' };
  const windows = vendorWindows(headers);
  const out = windows.find((w) => w.remaining === 0) ?? latest(windows);
  if (out) signal.window = out.name;
  const retryAfter = headers.get('retry-after');
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) signal.reset_in_ms = seconds * 1000;
  else if (retryAfter !== null && !Number.isNaN(Date.parse(retryAfter)))
    signal.reset_at = new Date(Date.parse(retryAfter)).toISOString();
  else if (out?.reset_at !== undefined) signal.reset_at = out.reset_at;
  else if (out?.reset_in_ms !== undefined) signal.reset_in_ms = out.reset_in_ms;
  return signal;
}

/** Error codes (OpenAI's `error.code`, Anthropic's `error.type`) that say a limit, whatever the status. */
const LIMIT_CODES = new Set(['rate_limit_exceeded', 'insufficient_quota', 'rate_limit_error']);

interface Window {
  name: string;
  remaining: number | null;
  reset_at?: string;
  reset_in_ms?: number;
}

function vendorWindows(headers: Headers): Window[] {
  const windows: Window[] = [];
  for (const name of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
    const reset = headers.get(`anthropic-ratelimit-${name}-reset`);
    const at = reset === null ? Number.NaN : Date.parse(reset);
    if (!Number.isNaN(at))
      windows.push({
        name,
        remaining: numberOrNull(headers.get(`anthropic-ratelimit-${name}-remaining`)),
        reset_at: new Date(at).toISOString(),
      });
  }
  for (const name of ['requests', 'tokens']) {
    const ms = durationMs(headers.get(`x-ratelimit-reset-${name}`));
    if (ms !== null)
      windows.push({
        name,
        remaining: numberOrNull(headers.get(`x-ratelimit-remaining-${name}`)),
        reset_in_ms: ms,
      });
  }
  return windows;
}

const when = (w: Window): number =>
  w.reset_at !== undefined ? Date.parse(w.reset_at) : Date.now() + (w.reset_in_ms ?? 0);
const latest = (windows: Window[]): Window | undefined =>
  windows.reduce<Window | undefined>((x, y) => (x === undefined || when(y) > when(x) ? y : x), undefined);

function numberOrNull(v: string | null): number | null {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** OpenAI's reset durations: `1s`, `6m0s`, `1h2m3.5s`, `20ms`. */
export function durationMs(v: string | null): number | null {
  if (v === null) return null;
  const text = v.trim();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) return null;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const x = Number(n);
    ms += unit === 'h' ? x * 3_600_000 : unit === 'm' ? x * 60_000 : unit === 's' ? x * 1000 : x;
  }
  return Math.round(ms);
}

/** The error in a vendor's body: OpenAI's `{ error: { message, type, code } }`, Anthropic's `{ type: "error", error: { type, message } }`. */
function vendorError(body: string): { code: string | null; message: string | null } | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const error = isObject(json) ? json.error : undefined;
  if (!isObject(error)) return null;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { code: text(error.code) ?? text(error.type), message: text(error.message) };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
