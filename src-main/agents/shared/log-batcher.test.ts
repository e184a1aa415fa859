import { describe, expect, it } from 'vitest';
import { createLogBatcher } from './log-batcher.ts';

describe('createLogBatcher', () => {
  it('sends text at newlines and after flushMs, not per token', () => {
    let now = 0;
    const b = createLogBatcher({ flushMs: 50, now: () => now, secrets: [] });
    expect(b.push('Hel')).toBeNull();
    expect(b.push('lo\nwor')).toBe('Hello\n');
    expect(b.push('ld')).toBeNull();
    now = 60;
    expect(b.push('!')).toBe('world!');
    expect(b.push(' bye')).toBeNull();
    expect(b.end()).toBe(' bye');
    expect(b.end()).toBeNull();
  });

  it('redacts a secret that arrives over several tokens', () => {
    const b = createLogBatcher({ flushMs: 0, now: () => 0, secrets: ['sk-abc123'] });
    const out = ['key sk-', 'abc', '123 ok'].map((t) => b.push(t) ?? '').join('') + (b.end() ?? '');
    expect(out).toBe('key *** ok');
  });
});
