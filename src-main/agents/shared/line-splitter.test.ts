import { describe, expect, it } from 'vitest';
import { createLineSplitter, truncateText } from './line-splitter.ts';

describe('createLineSplitter', () => {
  it('splits across chunks and strips CR', () => {
    const s = createLineSplitter(100);
    const lines = [...s.push(Buffer.from('one\r\ntw')), ...s.push(Buffer.from('o\nthr'))];
    expect(lines.map((l) => l.text)).toEqual(['one', 'two']);
    expect(s.end()).toEqual({ text: 'thr', truncated: 0 });
    expect(s.end()).toBeNull();
  });

  it('keeps at most maxBytes of a line and counts the rest', () => {
    const s = createLineSplitter(4);
    s.push(Buffer.from('abcdef'));
    expect(s.push(Buffer.from('gh\nok\n'))).toEqual([
      { text: 'abcd', truncated: 4 },
      { text: 'ok', truncated: 0 },
    ]);
  });

  it('turns invalid UTF-8 and NUL into replacement characters', () => {
    const s = createLineSplitter(100);
    const [line] = s.push(Buffer.from([0xff, 0x00, 0x41, 0xc3, 0x0a]));
    expect(line?.text).toBe('\uFFFD\uFFFDA\uFFFD');
  });
});

describe('truncateText', () => {
  it('marks what was cut', () => {
    expect(truncateText('abcdef', 3)).toBe('abc … [truncated 3 characters]');
    expect(truncateText('abc', 3, 10)).toBe('abc … [truncated 10 bytes]');
    expect(truncateText('abc', 3)).toBe('abc');
  });
});
