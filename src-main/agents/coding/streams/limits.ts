import type { UsageLimitSignal } from '../../../../src-shared/schemas/usage-limit.ts';
import { type JsonObject, name, num } from './json.ts';

/**
 * A coding CLI's own word that its account ran out: the limit signal its attempt ends with
 * (waiting for quota, not failed). Only what the CLIs were seen or documented to print is read;
 * where each form comes from is said beside it.
 */

/**
 * Claude Code's `rate_limit_event` (stream-json, since 2.1.45), one per model answer on a
 * claude.ai login, e.g.
 * `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1778565600,"rateLimitType":"five_hour","overageStatus":"rejected","isUsingOverage":false}}`
 * (paperclipai/paperclip#5776, meawoppl/rust-code-agent-sdks#99: `resetsAt` and
 * `rateLimitType` are left out when `status` is `allowed`). `allowed` and `allowed_warning`
 * only inform; `rejected` is the limit, `resetsAt` in epoch seconds, `rateLimitType` the window
 * (`five_hour`, `seven_day`, `seven_day_opus`, …). Null for anything but a rejection.
 */
export function claudeRateLimitEvent(info: JsonObject): UsageLimitSignal | null {
  if (info.status !== 'rejected') return null;
  const window = name(info.rateLimitType);
  const resets = epochSeconds(num(info.resetsAt));
  return {
    message: `claude's ${window === null ? 'usage' : windowWords(window)} limit was reached`,
    ...(resets === null ? {} : { reset_at: resets }),
    ...(window === null ? {} : { window }),
  };
}

/** `five_hour` → `five-hour`, `seven_day` → `weekly`. */
function windowWords(window: string): string {
  if (window === 'seven_day') return 'weekly';
  return window.replaceAll('_', '-');
}

/** An epoch in seconds (a CLI's `resetsAt`, `resets_at`, the `|1755150000` tail) as ISO 8601, when it is a plausible one. */
function epochSeconds(s: number | null): string | null {
  if (s === null || s <= 1e9 || s >= 1e11) return null;
  return new Date(s * 1000).toISOString();
}

/**
 * An error a CLI gave up on, when it says the account ran out; null for any other error. The
 * forms read:
 * - Claude Code's result `Claude AI usage limit reached|1755150000` (epoch seconds of the reset)
 *   and its later `You've hit your limit · resets 2pm (Europe/Madrid)` (a local hour: the reset
 *   is taken from the `rate_limit_event` before it, else not said);
 * - Codex's `UsageLimitReachedError` (codex-rs `core/src/error.rs`): `You've hit your usage
 *   limit. Upgrade to Pro (…) or try again in 2 days 17 hours 14 minutes.` (openai/codex#3124),
 *   or, as codex 0.169 prints it (seen in test/coding-agents/baton-limits.test.ts, with a curly
 *   apostrophe), `You’ve hit your usage limit. … or try again at 4:00 PM.` and `… try again at
 *   Mar 10th, 2026 3:39 AM.`: the server's `resets_at` in this machine's local time (`clockAfter`),
 *   and the 429 body it relays,
 *   `{"error":{"type":"usage_limit_reached",…,"resets_at":1777936568,"resets_in_seconds":13872}}`
 *   (earendil-works/pi#4172);
 * - an HTTP 429 as the CLIs relay it (test/coding-agents/streams/faults/*-status-429.jsonl):
 *   claude `API Error: Request rejected (429) · …`, codex `exceeded retry limit, last status:
 *   429 Too Many Requests`, opencode's `APIError` of `statusCode` 429 (the model server
 *   answered 429), qwen's `[API Error: 429 …]`; and the vendors' error types in such a body:
 *   `rate_limit_error` (Anthropic), `rate_limit_exceeded` and `insufficient_quota` (OpenAI),
 *   `RESOURCE_EXHAUSTED` (Gemini).
 */
export function limitOfText(text: string, now: number = Date.now()): UsageLimitSignal | null {
  const message = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  const claudeTail = /Claude AI usage limit reached\|(\d{9,11})/.exec(text);
  if (claudeTail) {
    const at = epochSeconds(Number(claudeTail[1]));
    return { message: 'Claude AI usage limit reached', ...(at === null ? {} : { reset_at: at }) };
  }
  const body = /"usage_limit_reached"/.test(text);
  if (body) {
    const at = epochSeconds(numberAfter(text, 'resets_at'));
    const inS = numberAfter(text, 'resets_in_seconds');
    return {
      message,
      ...(at !== null ? { reset_at: at } : inS !== null ? { reset_in_ms: inS * 1000 } : {}),
    };
  }
  if (/you[’']?ve (hit|reached) your (usage )?limit|usage limit (has been )?reached/i.test(text)) {
    const inMs = durationAfter(text, /try again in ([^.]+)/i);
    if (inMs !== null) return { message, reset_in_ms: inMs };
    const at = clockAfter(text, now);
    return { message, ...(at === null ? {} : { reset_at: at }) };
  }
  if (
    /\b429\b[^.]{0,40}(too many|rate|limit|rejected)|(answered|status:?|error:?|\()\s*429\b/i.test(text) ||
    /\b(rate_limit_error|rate_limit_exceeded|insufficient_quota|RESOURCE_EXHAUSTED)\b/.test(text)
  )
    return { message };
  return null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Codex's `try again at 4:00 PM` (the next such time on this machine's clock: codex formats the
 * reset in the local time zone of the machine it runs on, which is Baton's) or `try again at Mar
 * 10th, 2026 3:39 AM`; as ISO 8601, null when it says neither.
 */
function clockAfter(text: string, now: number): string | null {
  const m =
    /try again at (?:([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}),? )?(\d{1,2}):(\d\d) ?([AP]M)/i.exec(
      text,
    );
  if (!m) return null;
  const hour = (Number(m[4]) % 12) + (m[6]!.toUpperCase() === 'PM' ? 12 : 0);
  const minute = Number(m[5]);
  if (m[1] !== undefined) {
    const month = MONTHS.indexOf(m[1].toLowerCase());
    if (month === -1) return null;
    return new Date(Number(m[3]), month, Number(m[2]), hour, minute).toISOString();
  }
  const at = new Date(now);
  at.setHours(hour, minute, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.toISOString();
}

/** `"resets_in_seconds":13872` → 13872. */
function numberAfter(text: string, key: string): number | null {
  const m = new RegExp(`"${key}"\\s*:\\s*(\\d+(?:\\.\\d+)?)`).exec(text);
  return m ? Number(m[1]) : null;
}

const UNIT_MS: Record<string, number> = {
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
};

/** `2 days 17 hours 14 minutes` (codex's wording of a delay) → ms; null when none is said. */
function durationAfter(text: string, at: RegExp): number | null {
  const said = at.exec(text)?.[1];
  if (said === undefined) return null;
  let ms = 0;
  let any = false;
  for (const m of said.matchAll(/(\d+)\s*(day|hour|minute|second)s?/gi)) {
    ms += Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
    any = true;
  }
  return any ? ms : null;
}

/** Two signals of one attempt as one: the first stands, a later one adds the reset and window it lacked. */
export function mergeLimits(first: UsageLimitSignal | null, next: UsageLimitSignal): UsageLimitSignal {
  if (first === null) return next;
  const hasReset = first.reset_at !== undefined || first.reset_in_ms !== undefined;
  return {
    ...first,
    ...(hasReset
      ? {}
      : next.reset_at !== undefined
        ? { reset_at: next.reset_at }
        : next.reset_in_ms !== undefined
          ? { reset_in_ms: next.reset_in_ms }
          : {}),
    ...(first.window === undefined && next.window !== undefined ? { window: next.window } : {}),
  };
}
