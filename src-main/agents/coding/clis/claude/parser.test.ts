import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../../src-shared/schemas/step.ts';
import { captureLines, replay } from '../captures.ts';

const SESSION = 'ff637ac1-faba-40fe-9f9e-43d0eb73b2cd';

const of = <K extends Step['kind']>(steps: Step[], kind: K) =>
  steps.filter((s): s is StepOf<K> => s.kind === kind);

const usageFigures = (steps: Step[]) =>
  of(steps, 'usage').map((u) => [
    u.input_tokens,
    u.output_tokens,
    u.cached_input_tokens,
    u.cost_usd,
    u.cost_source,
  ]);

describe('claude stream', () => {
  it('records an edit: session, the Write call running then done, per-answer estimates, the reported rest', () => {
    const { parser, emitted, steps } = replay('claude', captureLines('claude-edit'));

    expect(steps[0]).toMatchObject({
      kind: 'session',
      seq: 0,
      session_id: SESSION,
      agent: 'claude 2.1.330',
      model: 'claude-sonnet-4-5',
    });
    expect(parser.sessionId).toBe(SESSION);

    // The Write call: recorded running when its tool_use arrives, then again (same seq) done.
    const versions = of(emitted, 'tool_call');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([
      [3, 'running'],
      [3, 'done'],
    ]);
    expect(versions[1]).toEqual({
      kind: 'tool_call',
      seq: 3,
      at: '2026-11-22T09:48:45.366Z',
      call_id: 'toolu_call_1_0',
      name: 'Write',
      server: null,
      input: { file_path: '/tmp/attempt/repo/hello.txt', content: 'hello from claude\n' },
      status: 'done',
      output:
        'File created successfully at: /tmp/attempt/repo/hello.txt (file state is current in your context — no need to Read it back)',
      error: null,
      ended_at: '2026-11-22T09:48:45.457Z',
      duration_ms: 91,
    });

    expect(of(steps, 'message').map((m) => [m.role, m.text])).toEqual([
      ['assistant', 'Writing hello.txt.'],
      ['assistant', 'Wrote hello.txt.'],
    ]);

    // One estimate per model answer (message_start's usage: output is 1), priced at Sonnet 4.5's
    // $3 / $15 / $0.30 per million; then what claude's result adds, at the cost it reports.
    expect(usageFigures(steps)).toEqual([
      [800, 1, 200, 0.002475, 'priced'],
      [1200, 1, 0, 0.003615, 'priced'],
      [0, 68, 0, 0.00102, 'reported'],
    ]);
    // The sum is exactly what claude reported: total_cost_usd and result.usage.
    expect(parser.spent).toEqual({
      usd: 0.00711,
      input_tokens: 2000,
      output_tokens: 70,
      cached_input_tokens: 200,
    });

    expect(steps.at(-1)).toMatchObject({ kind: 'result', text: 'Wrote hello.txt.', is_error: false });
    expect(parser.result).toEqual({ text: 'Wrote hello.txt.', is_error: false, cause: 'completed' });
    expect(steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('charges a resumed session only what this attempt added, given what the session spent before', () => {
    const first = replay('claude', captureLines('claude-edit'));
    const { parser, steps } = replay('claude', captureLines('claude-resume'), {
      prior: first.parser.spent,
      startSeq: 3,
    });

    expect(steps[0]).toMatchObject({ kind: 'session', seq: 3, session_id: SESSION });
    // total_cost_usd 0.01116 and modelUsage (3300 in, 80 out, 200 cached) are session totals.
    expect(usageFigures(steps)).toEqual([
      [1300, 1, 0, 0.003915, 'priced'],
      [0, 9, 0, 0.000135, 'reported'],
    ]);
    expect(parser.spent.usd).toBeCloseTo(0.01116 - 0.00711, 9);
    // This run's own usage, as claude's result.usage says.
    expect(parser.spent).toMatchObject({ input_tokens: 1300, output_tokens: 10, cached_input_tokens: 0 });
    expect(parser.result).toEqual({
      text: 'Still here after the resume.',
      is_error: false,
      cause: 'completed',
    });
  });

  it('without a price for the model, the estimates are unpriced and the result carries the whole cost', () => {
    const first = replay('claude', captureLines('claude-edit'), { prices: {} });
    expect(usageFigures(first.steps).map((u) => u.slice(3))).toEqual([
      [null, 'unpriced'],
      [null, 'unpriced'],
      [0.00711, 'reported'],
    ]);
    const resumed = replay('claude', captureLines('claude-resume'), {
      prior: first.parser.spent,
      prices: {},
    });
    expect(resumed.parser.spent.usd).toBeCloseTo(0.00405, 9);
  });

  it('records a failing Bash call as failed with its error', () => {
    const { steps, parser } = replay('claude', captureLines('claude-shell'));
    const calls = of(steps, 'tool_call');
    expect(calls.map((c) => [c.name, c.input, c.status, c.output, c.error])).toEqual([
      ['Bash', { command: "printf 'hi\\n'", description: 'Run a command' }, 'done', 'hi', null],
      [
        'Bash',
        { command: 'echo oops >&2; exit 3', description: 'Run a command' },
        'failed',
        null,
        'Exit code 3\noops',
      ],
    ]);
    expect(calls.map((c) => c.duration_ms)).toEqual([64, 39]);
    expect(parser.spent).toEqual({
      usd: 0.0018,
      input_tokens: 300,
      output_tokens: 60,
      cached_input_tokens: 0,
    });
  });

  it('turns api_retry into retrying errors and a 500 it gave up on into an error result in words', () => {
    const { steps, parser } = replay('claude', captureLines('claude-error'));
    const errors = of(steps, 'error');
    expect(errors).toHaveLength(11);
    expect(errors.slice(0, 10).every((e) => e.retrying)).toBe(true);
    expect(errors[0]!.message).toBe(
      'the model server answered 500 (server_error); claude retries (1 of 10) in 0.6 s',
    );
    expect(errors[10]).toMatchObject({ retrying: false, at: '2026-11-22T09:52:45.356Z' });
    expect(errors[10]!.message).toMatch(/^API Error: 500 scripted server error\./);
    expect(parser.result?.text).toMatch(
      /^the model server answered 500: scripted server error\. This is a server-side/,
    );
    expect(parser.result).toMatchObject({ is_error: true, cause: 'model_error' });
    expect(of(steps, 'usage')).toEqual([]);
    expect(parser.spent.usd).toBeNull();
  });

  it.each([
    ['faults/claude-status-400', 0, 'the model server answered 400: scripted bad request'],
    [
      'faults/claude-status-429',
      10,
      'the model server answered 429: Request rejected (429) · scripted rate limit',
    ],
    [
      'faults/claude-status-500-fast',
      1,
      'the model server answered 500: scripted server error. This is a server-side',
    ],
    [
      'faults/claude-crash',
      10,
      'the model request failed: Connection dropped (ECONNRESET). Check the gateway',
    ],
    ['faults/claude-crash-fast', 1, 'the model request failed: Connection dropped (ECONNRESET)'],
    [
      'faults/claude-garbage',
      0,
      'the model request failed: API returned an empty or malformed response (HTTP 200)',
    ],
    ['faults/claude-hang-fast', 1, 'the model request failed: Request timed out.'],
  ])('%s: %i retries, then the result says %j', (name, retries, text) => {
    const { steps, parser } = replay('claude', captureLines(name), {}, { code: 1, signal: null });
    expect(of(steps, 'error').filter((e) => e.retrying)).toHaveLength(retries);
    expect(parser.result?.text.startsWith(text)).toBe(true);
    expect(parser.result).toMatchObject({ is_error: true, cause: 'model_error' });
  });

  it('charges what claude reports for a request cut by its stream-idle timeout', () => {
    const { steps, parser } = replay('claude', captureLines('faults/claude-hang-mid-fast'));
    expect(usageFigures(steps)).toEqual([[100, 2, 0, 0.00033, 'reported']]);
    expect(parser.result?.is_error).toBe(true);
  });

  it.each(['faults/claude-hang', 'faults/claude-hang-mid', 'faults/claude-endless'])(
    '%s: only the session before Baton stops it; the result says why',
    (name) => {
      const { steps, parser } = replay(
        'claude',
        captureLines(name),
        {},
        {
          code: 143,
          signal: null,
          stopped: 'timed out after 240 s',
        },
      );
      expect(steps.map((s) => s.kind)).toEqual(['session', 'result']);
      expect(parser.sessionId).not.toBeNull();
      expect(parser.result).toEqual({
        text: 'timed out after 240 s (claude exited with code 143 before its final result)',
        is_error: true,
        cause: 'exit',
      });
    },
  );

  it('a stop at --max-budget-usd: the announced tool call never ran, the result says budget', () => {
    // The two last lines of the README's budget experiment (200k input, 1k output at Sonnet 4.5),
    // reduced to the fields the parser reads.
    const lines = [
      ...captureLines('claude-edit').slice(0, 1),
      JSON.stringify({
        type: 'assistant',
        message: {
          id: 'msg_1',
          model: 'claude-sonnet-4-5',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: '/r/a', content: 'x' } },
          ],
          usage: {
            input_tokens: 200_000,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
            output_tokens: 1,
          },
        },
        session_id: SESSION,
        timestamp: '2026-11-22T09:00:00.000Z',
      }),
      JSON.stringify({
        type: 'result',
        subtype: 'error_max_budget_usd',
        is_error: true,
        errors: ['Reached maximum budget ($0.05)'],
        total_cost_usd: 0.615,
        usage: {
          input_tokens: 200_000,
          output_tokens: 1000,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
        modelUsage: { 'claude-sonnet-4-5': { inputTokens: 200_000, outputTokens: 1000, costUSD: 0.615 } },
        session_id: SESSION,
      }),
    ];
    const { steps, parser } = replay('claude', lines, {}, { code: 1, signal: null });
    expect(parser.result).toEqual({
      text: 'claude stopped at its budget: Reached maximum budget ($0.05); it spent $0.615',
      is_error: true,
      cause: 'budget',
    });
    expect(of(steps, 'tool_call')[0]).toMatchObject({
      name: 'Write',
      status: 'failed',
      error: 'no answer: claude ended before the tool answered',
    });
    expect(parser.spent.usd).toBe(0.615);
    expect(usageFigures(steps)).toEqual([
      [200_000, 1, 0, 0.600015, 'priced'],
      [0, 999, 0, 0.014985, 'reported'],
    ]);
  });

  it('names the MCP server of an mcp__ tool', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: { id: 'm', content: [{ type: 'tool_use', id: 't', name: 'mcp__baton__approve', input: {} }] },
    });
    const { steps } = replay('claude', [line]);
    expect(of(steps, 'tool_call')[0]).toMatchObject({ name: 'mcp__baton__approve', server: 'baton' });
  });
});
