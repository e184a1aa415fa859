import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../../src-shared/schemas/step.ts';
import { captureLines, replay } from '../captures.ts';
import { changedPaths, isFileChange } from '../file-changes.ts';

const SESSION = 'ses_dfd574e95ffeCZ0Ipub4pq40R2';
const SONNET_LIKE = {
  'scripted-opencode': { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 },
};

const of = <K extends Step['kind']>(steps: Step[], kind: K) =>
  steps.filter((s): s is StepOf<K> => s.kind === kind);

const iso = (ms: number) => new Date(ms).toISOString();

describe('opencode stream', () => {
  it('records an edit: session from the first event, the finished write call, usage per request', () => {
    const { parser, steps } = replay('opencode', captureLines('opencode-edit'), {
      model: 'scripted/scripted-opencode',
      prices: SONNET_LIKE,
    });

    expect(steps[0]).toEqual({
      kind: 'session',
      seq: 0,
      at: iso(1795340949399),
      session_id: SESSION,
      agent: 'opencode',
      model: 'scripted/scripted-opencode',
    });
    const write = of(steps, 'tool_call')[0]!;
    expect(write).toEqual({
      kind: 'tool_call',
      seq: 2,
      at: iso(1795340949264),
      call_id: 'call_2_0',
      name: 'write',
      server: null,
      input: { filePath: '/tmp/attempt/repo/hello.txt', content: 'hello from opencode\n' },
      status: 'done',
      output: 'Wrote file successfully.',
      error: null,
      ended_at: iso(1795340949390),
      duration_ms: 126,
    });
    expect(isFileChange(write, 'opencode')).toBe(true);
    expect(changedPaths(write, 'opencode')).toEqual(['/tmp/attempt/repo/hello.txt']);

    // step_finish: cost 0 (no price in opencode's config), so priced from the table, found
    // without the provider prefix; duration from step_start to step_finish.
    expect(
      of(steps, 'usage').map((u) => [
        u.input_tokens,
        u.output_tokens,
        u.cached_input_tokens,
        u.cost_usd,
        u.cost_source,
        u.duration_ms,
      ]),
    ).toEqual([
      [800, 50, 200, 0.00321, 'priced', 395],
      [1200, 20, 0, 0.0039, 'priced', 418],
    ]);
    expect(parser.spent).toEqual({
      usd: 0.00711,
      input_tokens: 2000,
      output_tokens: 70,
      cached_input_tokens: 200,
    });

    // No final event: exit 0 ends it, the answer is the last text.
    expect(parser.result).toEqual({ text: 'Wrote hello.txt.', is_error: false, cause: 'completed' });
    expect(steps.at(-1)).toMatchObject({ kind: 'result', seq: 6, is_error: false });
  });

  it('uses the cost opencode reports when its config has a price', () => {
    const lines = captureLines('opencode-edit').map((l) => l.replace('"cost":0}', '"cost":3.96}'));
    const { steps } = replay('opencode', lines, { prices: SONNET_LIKE, model: 'scripted/scripted-opencode' });
    expect(of(steps, 'usage').map((u) => [u.cost_usd, u.cost_source])).toEqual([
      [3.96, 'reported'],
      [3.96, 'reported'],
    ]);
  });

  it('counts cache writes as input and reasoning as output', () => {
    const line = JSON.stringify({
      type: 'step_finish',
      sessionID: 'ses_x',
      timestamp: 1,
      part: { tokens: { input: 10, output: 5, reasoning: 7, cache: { read: 3, write: 2 } }, cost: 0 },
    });
    const { steps } = replay('opencode', [line]);
    expect(of(steps, 'usage')[0]).toMatchObject({
      input_tokens: 12,
      output_tokens: 12,
      cached_input_tokens: 3,
    });
  });

  it('records a resumed session per request: its step_finish figures are already this run only', () => {
    const first = replay('opencode', captureLines('opencode-edit'));
    const { steps, parser } = replay('opencode', captureLines('opencode-resume'), {
      prior: first.parser.spent,
    });
    expect(steps[0]).toMatchObject({ kind: 'session', session_id: SESSION });
    expect(parser.spent).toEqual({
      usd: null,
      input_tokens: 1300,
      output_tokens: 10,
      cached_input_tokens: 0,
    });
    expect(parser.result?.text).toBe('Still here after the resume.');
  });

  it('records shell calls with their output (opencode marks a non-zero exit as completed)', () => {
    const { steps } = replay('opencode', captureLines('opencode-shell'));
    expect(of(steps, 'tool_call').map((c) => [c.name, c.status, c.output, c.duration_ms])).toEqual([
      ['bash', 'done', 'hi\n', 124],
      ['bash', 'done', 'oops\n', 27],
    ]);
  });

  it('records a failed tool call with its error', () => {
    const line = JSON.stringify({
      type: 'tool_use',
      sessionID: 'ses_x',
      timestamp: 2000,
      part: {
        tool: 'edit',
        callID: 'c1',
        state: {
          status: 'error',
          input: { filePath: 'a' },
          error: 'oldString not found',
          time: { start: 1000, end: 1500 },
        },
      },
    });
    const { steps } = replay('opencode', [line]);
    expect(of(steps, 'tool_call')[0]).toMatchObject({
      status: 'failed',
      error: 'oldString not found',
      output: null,
      duration_ms: 500,
    });
  });

  it.each([
    ['opencode-error', 'the model server answered 500: scripted server error', 'model_error'],
    ['faults/opencode-status-400', 'the model server answered 400: scripted bad request', 'model_error'],
    ['faults/opencode-status-429', 'the model server answered 429: scripted rate limit', 'model_error'],
    [
      'faults/opencode-status-500-fast',
      'the model server answered 500: scripted server error',
      'model_error',
    ],
    [
      'faults/opencode-crash',
      'the model request failed: Cannot connect to API: The socket connection was closed unexpectedly.',
      'model_error',
    ],
    ['faults/opencode-crash-fast', 'the model request failed: Cannot connect to API:', 'model_error'],
    ['faults/opencode-garbage', 'opencode failed: JSON parsing failed: Text: {"this is": not json.', 'error'],
    ['faults/opencode-hang-fast', 'opencode failed: The operation timed out.', 'error'],
    ['faults/opencode-hang-mid-fast', 'opencode failed: The operation timed out.', 'error'],
  ])('%s: an error step, the session id, and the result %j', (name, text, cause) => {
    const { steps, parser } = replay('opencode', captureLines(name), {}, { code: 1, signal: null });
    expect(parser.sessionId).toMatch(/^ses_/);
    const errors = of(steps, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.retrying).toBe(false);
    expect(parser.result?.text.startsWith(text)).toBe(true);
    expect(parser.result).toMatchObject({ is_error: true, cause });
    expect(steps.at(-1)?.kind).toBe('result');
  });

  it('a hang before the first request prints nothing: no session id, the result says so', () => {
    const { steps, parser } = replay(
      'opencode',
      captureLines('faults/opencode-hang'),
      {},
      {
        code: null,
        signal: 'SIGTERM',
        stopped: 'timed out after 240 s',
      },
    );
    expect(parser.sessionId).toBeNull();
    expect(steps).toHaveLength(1);
    expect(parser.result).toEqual({
      text: 'timed out after 240 s (opencode was killed by SIGTERM without printing anything)',
      is_error: true,
      cause: 'exit',
    });
  });

  it.each(['faults/opencode-hang-mid', 'faults/opencode-endless'])(
    '%s: a started request, then killed: an error, not a success',
    (name) => {
      const { parser } = replay('opencode', captureLines(name), {}, { code: null, signal: 'SIGTERM' });
      expect(parser.sessionId).toMatch(/^ses_/);
      expect(parser.result).toEqual({
        text: 'opencode was killed by SIGTERM before its final result',
        is_error: true,
        cause: 'exit',
      });
    },
  );

  it('an exit 0 after Baton stopped it is not a success', () => {
    const { parser } = replay(
      'opencode',
      captureLines('opencode-edit'),
      {},
      {
        code: 0,
        signal: null,
        stopped: 'budget exceeded: spent $1.10 of $1.00',
      },
    );
    expect(parser.result).toEqual({
      text: 'budget exceeded: spent $1.10 of $1.00 (opencode exited with code 0 before its final result)',
      is_error: true,
      cause: 'exit',
    });
  });
});
