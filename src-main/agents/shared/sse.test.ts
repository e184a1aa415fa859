import { describe, expect, it } from 'vitest';
import { createSseReader } from './sse.ts';

describe('createSseReader', () => {
  it('returns the data of each event, across chunk boundaries and line endings', () => {
    const r = createSseReader();
    expect(r.push('data: {"a":1}\n\nda')).toEqual(['{"a":1}']);
    expect(r.push('ta: {"b":2}\r')).toEqual([]);
    expect(r.push('\n\r\n: keep-alive\n\nevent: x\ndata: [DONE]\n\n')).toEqual(['{"b":2}', '[DONE]']);
  });

  it('joins multi-line data and flushes the last event at the end', () => {
    const r = createSseReader();
    expect(r.push('data: one\ndata: two\n')).toEqual([]);
    expect(r.end()).toEqual(['one\ntwo']);
  });

  it('refuses an event past its cap counting the newlines that join its lines, empty ones too', () => {
    const r = createSseReader(1_000);
    // 1,001 empty data lines are an event of 1,000 newlines: at the cap, taken.
    expect(r.push(`${'data:\n'.repeat(1_001)}\n`)).toEqual(['\n'.repeat(1_000)]);
    expect(r.push(`data: ${'x'.repeat(1_000)}\n\n`)).toEqual(['x'.repeat(1_000)]);
    // One more is past it (before, empty lines counted nothing: 100,000 made an event of 99,999).
    expect(() => r.push('data:\n'.repeat(1_002))).toThrow('a stream event is larger than 1000 characters');
  });

  it('refuses an event that grows without bound', () => {
    const r = createSseReader(10);
    expect(() => r.push(`data: ${'x'.repeat(20)}`)).toThrow('a stream line is longer than 10 characters');
  });
});
