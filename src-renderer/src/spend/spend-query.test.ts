import { describe, expect, it } from 'vitest';
import type { SpendRow } from '../../../src-shared/schemas/spend.ts';
import { checkPrice, emptyPrice } from '../components/spend/price-form.ts';
import { csvFileName, everyDay, rangeDays, sortedRows, spendQueryOf } from './spend-query.ts';

const NOW = new Date(2026, 2, 15, 18, 30); // 15 March 2026, local time
const row = (key: string | null, usd: number, calls: number, unknown = 0): SpendRow => ({
  key,
  label: key ?? 'none',
  detail: null,
  input_tokens: calls * 10,
  output_tokens: calls,
  cached_input_tokens: 0,
  usd,
  calls,
  unknown,
});

describe('the Spend screen’s range and query', () => {
  it('takes the last N days to today, all time, or days given (both included), in the viewer’s zone', () => {
    expect(rangeDays({}, NOW)).toEqual({ since: '2026-02-14', until: '2026-03-15' });
    expect(rangeDays({ range: '7d' }, NOW)).toEqual({ since: '2026-03-09', until: '2026-03-15' });
    expect(rangeDays({ range: 'all' }, NOW)).toEqual({ since: null, until: '2026-03-15' });
    expect(rangeDays({ since: '2026-03-01', until: '2026-03-03' }, NOW)).toEqual({
      since: '2026-03-01',
      until: '2026-03-03',
    });
    expect(rangeDays({ since: '2026-03-05', until: '2026-03-03' }, NOW)).toEqual({
      since: '2026-03-05',
      until: '2026-03-05',
    });
    const q = spendQueryOf({ by: 'model', since: '2026-03-01', until: '2026-03-03', agent: 'a' }, NOW);
    expect(q).toMatchObject({ by: 'model', agent_id: 'a', tz_offset_minutes: -NOW.getTimezoneOffset() });
    expect(new Date(q.since!).getDate()).toBe(1);
    expect(new Date(q.until!).getDate()).toBe(4);
    expect(new Date(q.until!).getHours()).toBe(0);
    expect(csvFileName({ by: 'model', range: '7d' }, NOW)).toBe(
      'baton-spend-by-model-2026-03-09-to-2026-03-15.csv',
    );
  });

  it('charts every day of the range, a day without spend as nothing spent', () => {
    const days = everyDay([row('2026-03-02', 1, 3), row('2026-03-04', 2, 1, 1)], '2026-03-01', '2026-03-05');
    expect(days.map((d) => [d.key, d.usd, d.unknown])).toEqual([
      ['2026-03-01', 0, 0],
      ['2026-03-02', 1, 0],
      ['2026-03-03', 0, 0],
      ['2026-03-04', 2, 1],
      ['2026-03-05', 0, 0],
    ]);
    expect(everyDay([row('2026-03-04', 2, 1)], null, '2026-03-05').map((d) => d.key)).toEqual([
      '2026-03-04',
      '2026-03-05',
    ]);
  });

  it('sorts by a figure, the most first, unknown spend above the same known spend; days in order', () => {
    const rows = [row('b', 2, 1), row('a', 2, 5, 1), row(null, 9, 2), row('c', 1, 9)];
    expect(sortedRows(rows, { by: 'agent' }).map((r) => r.key)).toEqual([null, 'a', 'b', 'c']);
    expect(sortedRows(rows, { by: 'agent', sort: 'calls' }).map((r) => r.key)).toEqual(['c', 'a', null, 'b']);
    expect(sortedRows(rows, { by: 'agent', sort: 'calls', asc: true }).map((r) => r.key)).toEqual([
      'b',
      null,
      'a',
      'c',
    ]);
    expect(sortedRows(rows, { by: 'agent', sort: 'name', asc: true }).map((r) => r.key)).toEqual([
      'a',
      'b',
      'c',
      null,
    ]);
    const days = [row('2026-03-02', 1, 1), row('2026-03-01', 5, 1)];
    expect(sortedRows(days, {}).map((r) => r.key)).toEqual(['2026-03-01', '2026-03-02']);
    expect(sortedRows(days, { sort: 'name' }).map((r) => r.key)).toEqual(['2026-03-02', '2026-03-01']);
  });
});

describe('the price form', () => {
  it('names each field that is wrong, in words, and hands the host a price when none is', () => {
    const bad = checkPrice({ ...emptyPrice('2026-03-15'), input_per_mtok: '-1', output_per_mtok: 'ten' });
    expect(bad).toEqual({
      ok: false,
      errors: {
        model: 'Model must not be empty',
        input_per_mtok: 'Input (USD per million tokens) must be 0 or more (USD per million input tokens)',
        output_per_mtok:
          'Output (USD per million tokens) must be a number of USD per million output tokens (0 or more)',
      },
    });
    expect(
      checkPrice({ ...emptyPrice('2026-02-30'), model: 'm', input_per_mtok: '1', output_per_mtok: '2' }),
    ).toMatchObject({
      ok: false,
      errors: { effective_from: 'In effect from must be a day that exists' },
    });
    expect(
      checkPrice({
        model: ' gpt-5 ',
        input_per_mtok: '1.25',
        output_per_mtok: '10',
        cached_input_per_mtok: '',
        effective_from: '2026-03-15',
      }),
    ).toEqual({
      ok: true,
      price: { model: 'gpt-5', input_per_mtok: 1.25, output_per_mtok: 10, effective_from: '2026-03-15' },
    });
  });
});
