import { describe, expect, it } from 'vitest';
import { parseProtocolLine } from './command-protocol.ts';

describe('parseProtocolLine', () => {
  it('reads progress, clamped to 0-100, with an optional message', () => {
    expect(parseProtocolLine('::progress 40 counting words')).toEqual({
      kind: 'progress',
      percent: 40,
      message: 'counting words',
    });
    expect(parseProtocolLine('::progress 250')).toEqual({ kind: 'progress', percent: 100 });
    expect(parseProtocolLine('::progress 12.5 x')).toMatchObject({ percent: 12.5 });
  });

  it('reads results and errors', () => {
    expect(parseProtocolLine('::result {"a":1}')).toEqual({ kind: 'result', json: '{"a":1}' });
    expect(parseProtocolLine('::error disk full')).toEqual({ kind: 'error', message: 'disk full' });
    expect(parseProtocolLine('::error')).toEqual({ kind: 'error', message: 'the agent reported an error' });
  });

  it('treats everything else as a log line', () => {
    for (const line of ['hello', '::progress lots', ':: result {}', '::resultx', ''])
      expect(parseProtocolLine(line)).toEqual({ kind: 'log' });
  });
});
