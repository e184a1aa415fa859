import { describe, expect, it } from 'vitest';
import { whenAborted } from './abort.ts';

describe('whenAborted', () => {
  it('stops at once on a signal aborted already, and on a later abort once', () => {
    const early = new AbortController();
    early.abort();
    let stops = 0;
    whenAborted(early.signal, () => stops++);
    expect(stops).toBe(1);
    const later = new AbortController();
    whenAborted(later.signal, () => stops++);
    expect(stops).toBe(1);
    later.abort();
    later.abort();
    expect(stops).toBe(2);
    const forgotten = new AbortController();
    whenAborted(forgotten.signal, () => stops++)();
    forgotten.abort();
    expect(stops).toBe(2);
  });
});
