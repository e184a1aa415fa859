import { describe, expect, it } from 'vitest';
import { JSON_LIMITS, jsonTooBig } from './json-limits.ts';

// What parsing a large body would build is counted before it is parsed, in one pass over its text.
describe('a large JSON text counted before it is parsed', () => {
  it('refuses millions of tiny objects, an object of too many members, and too deep a nesting', () => {
    const objects = `{"plan":[${'{},'.repeat(JSON_LIMITS.containers)}{}]}`;
    expect(jsonTooBig(objects)).toBe('it holds more than 2,000,000 objects and arrays');
    const members = `{${Array.from({ length: JSON_LIMITS.keys + 1 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(jsonTooBig(members)).toBe('an object in it has more than 100,000 members');
    const deep = `${'['.repeat(JSON_LIMITS.depth + 1)}${' '.repeat(300_000)}`;
    expect(jsonTooBig(deep)).toBe('it nests objects and arrays more than 4,000 levels deep');
    const values = `[${'0,'.repeat(JSON_LIMITS.values + 1)}0]`;
    expect(jsonTooBig(values)).toBe('it holds more than 10,000,000 values');
  });

  it('passes what real inputs hold: a plan of 100,000 tasks, long strings, and structure-like text inside strings', () => {
    const tasks = Array.from({ length: 100_000 }, (_, i) => ({
      task_id: `t${i}`,
      description: 'Summarise the findings',
      required_skills: ['x'],
      depends_on: i > 0 ? [`t${i - 1}`] : [],
      inputs: { n: i },
    }));
    expect(jsonTooBig(JSON.stringify({ plan: { plan_id: 'big', tasks } }))).toBeNull();
    // Brackets, braces, colons and commas inside strings (escaped quotes too) are not counted.
    const text = JSON.stringify({ s: `\\"${'[{:,'.repeat(3_000_000)}` });
    expect(jsonTooBig(text)).toBeNull();
    // Short texts are not scanned at all.
    expect(jsonTooBig('[[[[[[[[')).toBeNull();
  });
});
