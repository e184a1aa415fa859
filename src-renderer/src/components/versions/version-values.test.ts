import { describe, expect, it } from 'vitest';
import { valueChanges, valueText } from './version-values.ts';

describe('valueText', () => {
  it('says a value in words', () => {
    expect(valueText('Ship it')).toBe('“Ship it”');
    expect(valueText(['write', 'translate'])).toBe('write, translate');
    expect(valueText([])).toBe('none');
    expect(valueText(undefined)).toBe('none');
    expect(valueText(true)).toBe('yes');
    expect(valueText(3.5)).toBe('3.5');
    expect(valueText({ max_attempts: 3 })).toBe('{"max_attempts":3}');
  });
});

describe('valueChanges', () => {
  it('gives old and new for each changed field', () => {
    expect(
      valueChanges({ estimated_cost: 2, agent: 'a' }, { estimated_cost: 5 }, ['estimated_cost', 'agent']).map(
        (c) => [c.field, c.before, c.after],
      ),
    ).toEqual([
      ['estimated_cost', '2', '5'],
      ['agent', '“a”', 'none'],
    ]);
  });

  it('cuts long values, from near where they differ, and keeps the whole in the tooltip', () => {
    const base = 'Write the launch blog post for the Apollo 2.0 release, with screenshots';
    const [c] = valueChanges(
      { description: base },
      { description: `${base} and a video` },
      ['description'],
      40,
    );
    expect(c!.before).toBe('…release, with screenshots”');
    expect(c!.after).toBe('…release, with screenshots and a video”');
    expect(c!.afterFull).toBe(`“${base} and a video”`);
    // Where they differ is in view: both are cut at the end.
    const [grown] = valueChanges(
      { description: 'Write the blog post' },
      { description: base },
      ['description'],
      40,
    );
    expect(grown!.before).toBe('“Write the blog post”');
    expect(grown!.after).toBe('“Write the launch blog post for the Apo…');
    const [short] = valueChanges({ description: 'x'.repeat(60) }, { description: 'y' }, ['description'], 40);
    expect(short!.before).toBe(`“${'x'.repeat(38)}…`);
    expect(short!.after).toBe('“y”');
  });
});
