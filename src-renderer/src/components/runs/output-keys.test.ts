import { describe, expect, it } from 'vitest';
import { outputKeys } from './output-keys.ts';

describe('outputKeys', () => {
  it('lists an object output per key, marking what the other run has otherwise or lacks', () => {
    const keys = outputKeys({ score: 0.9, note: 'ok', extra: [1, 2] }, { score: 0.7, note: 'ok' });
    expect(keys.map((k) => [k.key, k.line, k.change])).toEqual([
      ['score', '0.9', 'changed'],
      ['note', 'ok', 'same'],
      ['extra', '[1,2]', 'only-here'],
    ]);
    expect(keys[2]!.full).toBe('[\n  1,\n  2\n]');
  });
  it('gives a value that is not an object as one entry, and nothing for no output', () => {
    expect(outputKeys('done', 'done')).toEqual([{ key: null, line: 'done', full: 'done', change: 'same' }]);
    expect(outputKeys([1], [2])[0]!.change).toBe('changed');
    expect(outputKeys(null, { a: 1 })).toEqual([]);
  });
  it('marks nothing when there is nothing to compare with', () => {
    expect(outputKeys({ a: 1 }, undefined).map((k) => k.change)).toEqual(['same']);
  });
});
