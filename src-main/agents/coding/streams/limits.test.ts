import { describe, expect, it } from 'vitest';
import { allCaptures, captureLines, replay } from '../clis/captures.ts';
import { limitOfText } from './limits.ts';

const SESSION = '6d967870-ca23-4f7f-8d74-21b40a0a75e1';

/** Claude Code's event over a claude.ai login out of its five-hour window (paperclipai/paperclip#5776). */
const rejected = JSON.stringify({
  type: 'rate_limit_event',
  rate_limit_info: {
    status: 'rejected',
    resetsAt: 1778565600,
    rateLimitType: 'five_hour',
    overageStatus: 'rejected',
    overageDisabledReason: 'org_level_disabled_until',
    isUsingOverage: false,
  },
  session_id: SESSION,
});

const claudeResult = (result: string) =>
  JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: true,
    result,
    session_id: SESSION,
    total_cost_usd: 0,
    usage: { input_tokens: 0, output_tokens: 0 },
  });

const codexFailed = (message: string) => [
  JSON.stringify({ type: 'thread.started', thread_id: '01a202aa-2f69-7083-a656-f2ea42f8337f' }),
  JSON.stringify({ type: 'turn.started' }),
  JSON.stringify({ type: 'error', message }),
  JSON.stringify({ type: 'turn.failed', error: { message } }),
];

describe('a coding CLI saying its account ran out', () => {
  it('reads the real 429s of claude, codex and opencode (captured streams) as the limit signal', () => {
    for (const name of [
      'faults/claude-status-429',
      'faults/codex-status-429',
      'faults/opencode-status-429',
    ]) {
      const cli = name.slice('faults/'.length).split('-')[0] as 'claude' | 'codex' | 'opencode';
      const { parser } = replay(cli, captureLines(name), {}, { code: 1, signal: null });
      expect(parser.result?.is_error, name).toBe(true);
      expect(parser.limit, name).not.toBeNull();
      expect(parser.limit?.reset_at, name).toBeUndefined();
    }
  });

  it('reads no limit in any other captured stream (errors of 400, 500, crashes, garbage, edits)', () => {
    const others = allCaptures().filter((c) => !c.name.includes('status-429'));
    expect(others.length).toBeGreaterThan(30);
    for (const { name, cli } of others) {
      const { parser } = replay(cli, captureLines(name), {}, { code: 1, signal: null });
      expect(parser.limit, name).toBeNull();
    }
  });

  it("takes claude's rejected rate_limit_event: the reset and the five-hour window, its result the words", () => {
    const { parser } = replay('claude', [
      rejected,
      claudeResult("You've hit your limit · resets 2pm (Asia/Shanghai)"),
    ]);
    expect(parser.noise.unknown).toBe(0);
    expect(parser.limit).toEqual({
      message: "claude's five-hour limit was reached",
      reset_at: '2026-05-12T06:00:00.000Z',
      window: 'five_hour',
    });
    expect(parser.result).toMatchObject({ is_error: true });
  });

  it('takes an allowed rate_limit_event as information only, known and no limit', () => {
    const allowed = JSON.stringify({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'allowed', isUsingOverage: false },
      session_id: SESSION,
    });
    const { parser } = replay('claude', [allowed, claudeResult('API Error: 500 scripted server error.')]);
    expect(parser.noise.unknown).toBe(0);
    expect(parser.limit).toBeNull();
  });

  it("reads claude's older result with the reset's epoch after a bar", () => {
    const { parser } = replay('claude', [claudeResult('Claude AI usage limit reached|1755150000')]);
    expect(parser.limit).toEqual({
      message: 'Claude AI usage limit reached',
      reset_at: new Date(1755150000 * 1000).toISOString(),
    });
  });

  it("reads codex's usage-limit error with its delay in words, and its relayed 429 body with the reset", () => {
    const inWords = replay(
      'codex',
      codexFailed(
        "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 2 days 17 hours 14 minutes.",
      ),
      {},
      { code: 1, signal: null },
    );
    expect(inWords.parser.limit?.reset_in_ms).toBe(((2 * 24 + 17) * 60 + 14) * 60_000);
    const body = replay(
      'codex',
      codexFailed(
        'Codex error: {"type":"error","error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":1777936568,"eligible_promo":null,"resets_in_seconds":13872},"status_code":429}',
      ),
      {},
      { code: 1, signal: null },
    );
    expect(body.parser.limit?.reset_at).toBe(new Date(1777936568 * 1000).toISOString());
    const atTime = replay(
      'codex',
      codexFailed("You've hit your usage limit. Try again at 3:42 PM."),
      {},
      {
        code: 1,
        signal: null,
      },
    );
    expect(atTime.parser.limit).not.toBeNull();
    expect(atTime.parser.limit?.reset_in_ms).toBeUndefined();
  });

  it('reads no limit in errors that only look alike', () => {
    for (const text of [
      'context limit reached: conversation too long',
      'the model server answered 500: scripted server error',
      'codex failed: src/app.ts:429: unexpected token',
      'claude stopped at its turn limit: error_max_turns',
    ])
      expect(limitOfText(text), text).toBeNull();
    expect(limitOfText('[API Error: 429 Too Many Requests]')).toEqual({
      message: '[API Error: 429 Too Many Requests]',
    });
  });
});
