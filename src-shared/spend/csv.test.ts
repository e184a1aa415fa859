import { describe, expect, it } from 'vitest';
import type { SpendBreakdown } from '../schemas/spend.ts';
import { csvCell, spendCsv } from './csv.ts';

describe('spend CSV', () => {
  it('quotes what needs it and never lets a cell be read as a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
  });

  it('writes a line per group and the total, the unknown part said in words, never as 0', () => {
    const f = { input_tokens: 10, output_tokens: 2, cached_input_tokens: 1, calls: 3 };
    const b: SpendBreakdown = {
      by: 'model',
      since: null,
      until: null,
      tz_offset_minutes: 0,
      rows: [
        { ...f, key: 'gpt-5', label: 'gpt-5', detail: null, usd: 0.1 + 0.2, unknown: 1 },
        { ...f, key: null, label: 'no model reported', detail: null, usd: 0, unknown: 3 },
      ],
      total: {
        ...f,
        input_tokens: 20,
        output_tokens: 4,
        cached_input_tokens: 2,
        calls: 6,
        usd: 0.3,
        unknown: 4,
      },
      facets: { plans: [], agents: [], models: [], clis: [] },
    };
    expect(spendCsv(b)).toBe(
      [
        'model,name,input_tokens,output_tokens,cached_input_tokens,usd_known,calls,calls_of_unknown_cost,cost',
        'gpt-5,gpt-5,10,2,1,0.3,3,1,$0.3 + unknown',
        ',no model reported,10,2,1,0,3,3,unknown',
        ',total,20,4,2,0.3,6,4,$0.3 + unknown',
        '',
      ].join('\r\n'),
    );
  });
});
