import { describe, expect, it } from 'vitest';
import { replay } from '../captures.ts';

// opencode's events as its bridge to `opencode serve` prints them (serve-bridge.ts): the lines of
// `opencode run --format json`, plus `session` and `idle`, each turn's end.
const S = 'ses_served';
const line = (type: string, extra: Record<string, unknown> = {}, at = 1000) =>
  JSON.stringify({ type, timestamp: at, sessionID: S, ...extra });
const text = (t: string, at: number) =>
  line('text', { part: { type: 'text', text: t, time: { start: at, end: at } } }, at);
const finish = (at: number) =>
  line(
    'step_finish',
    { part: { tokens: { input: 10, output: 2, reasoning: 0, cache: { read: 0, write: 0 } }, cost: 0 } },
    at,
  );
const aborted = line('error', {
  error: { name: 'MessageAbortedError', data: { message: 'The operation was aborted.' } },
});

const turn = (t: string, at: number) => [line('step_start', {}, at), text(t, at), finish(at)];

describe('opencode over its own server', () => {
  it('knows the session before the first request, and ends each turn with a result at idle', () => {
    const { steps, parser } = replay('opencode', [
      line('session'),
      ...turn('First.', 1100),
      line('idle', {}, 1200),
      ...turn('Second.', 1300),
      line('idle', {}, 1400),
    ]);
    expect(steps[0]).toMatchObject({ kind: 'session', session_id: S });
    expect(steps.filter((s) => s.kind === 'result')).toMatchObject([
      { text: 'First.', is_error: false },
      { text: 'Second.', is_error: false },
    ]);
    expect(parser.result).toEqual({ text: 'Second.', is_error: false, cause: 'completed' });
  });

  it('a turn a person stopped is no error; a failed turn is, and the next one starts clean', () => {
    const { steps, parser } = replay('opencode', [
      line('session'),
      line('step_start', {}, 1100),
      aborted,
      line('idle', {}, 1200),
      line('error', { error: { name: 'APIError', data: { message: 'boom', statusCode: 500 } } }, 1300),
      line('idle', {}, 1400),
      ...turn('Fine again.', 1500),
      line('idle', {}, 1600),
    ]);
    expect(steps.filter((s) => s.kind === 'error')).toMatchObject([
      { message: 'the model server answered 500: boom' },
    ]);
    expect(steps.filter((s) => s.kind === 'result').map((s) => s.kind === 'result' && s.is_error)).toEqual([
      false,
      true,
      false,
    ]);
    expect(parser.result).toMatchObject({ text: 'Fine again.', is_error: false });
  });

  it('a turn begun after the last result that never ended is no success: the earlier result does not stand', () => {
    const { parser } = replay(
      'opencode',
      [line('session'), ...turn('Done.', 1100), line('idle', {}, 1200), line('step_start', {}, 1300)],
      {},
      { code: null, signal: 'SIGTERM' },
    );
    expect(parser.result).toEqual({
      text: 'opencode was killed by SIGTERM before its final result',
      is_error: true,
      cause: 'exit',
    });
  });
});
