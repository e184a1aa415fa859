import { describe, expect, it } from 'vitest';
import { idSchema, rangeEdgeSchema } from './common.ts';
import { idProblem } from './plain/id.ts';

describe('time range edges', () => {
  it('read any ISO 8601 instant as the stored form, so ranges compare as text correctly', () => {
    const start = rangeEdgeSchema('start');
    expect(start.parse('2026-11-21T14:45:43Z')).toBe('2026-11-21T14:45:43.000Z');
    expect(start.parse('2026-11-21T14:45:43.5Z')).toBe('2026-11-21T14:45:43.500Z');
    expect(start.parse('2026-11-21T16:45:43+02:00')).toBe('2026-11-21T14:45:43.000Z');
  });

  it('take a date alone as the whole day: its start for a start, its last millisecond for an end', () => {
    expect(rangeEdgeSchema('start').parse('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(rangeEdgeSchema('end').parse('2026-01-31')).toBe('2026-01-31T23:59:59.999Z');
  });

  it('refuse what is not a date or date-time, saying what is expected', () => {
    for (const bad of ['yesterday', '2026-02-30', '2026-11-21 14:45:43']) {
      const r = rangeEdgeSchema('start').safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/ISO 8601 date-time .* or a date/);
    }
  });
});

describe('the id rule', () => {
  it('says what idSchema says, with or without zod', () => {
    const cases = [
      'task-1',
      'a.b_c:d@e',
      '',
      'x'.repeat(128),
      'x'.repeat(129),
      '-lead',
      'has space',
      'é',
      '7',
    ];
    for (const id of cases) {
      const parsed = idSchema.safeParse(id);
      expect(idProblem(id)).toBe(parsed.success ? null : parsed.error.issues[0]!.message);
    }
    expect(idProblem('has space')).toBe('may contain only letters, digits and . _ : @ -');
  });
});
