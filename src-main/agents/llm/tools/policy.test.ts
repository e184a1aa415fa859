import { describe, expect, it } from 'vitest';
import { toolPolicy } from './policy.ts';

const tool = (source: string, name: string, read_only = false) => ({ source, name, read_only });

describe('tool policy', () => {
  it('the first matching rule decides; * and ? are wildcards over <source>/<tool>; nothing else is special', () => {
    const p = toolPolicy([
      { tools: 'fs/write_?ile', policy: 'deny' },
      { tools: 'fs/*', policy: 'allow' },
      { tools: 'mem.ory/*', policy: 'ask' },
    ]);
    expect(p(tool('fs', 'write_file')).policy).toBe('deny');
    expect(p(tool('fs', 'write_file')).why).toBe('the agent\'s rule "fs/write_?ile: deny"');
    expect(p(tool('fs', 'edit_file')).policy).toBe('allow');
    // A dot in a pattern is a dot, not any character.
    expect(p(tool('memXory', 'read_graph', true)).policy).toBe('allow');
    expect(p(tool('mem.ory', 'read_graph', true)).policy).toBe('ask');
  });

  it('without a rule: read-only tools (readOnlyHint) run, any other is asked about', () => {
    const p = toolPolicy([]);
    expect(p(tool('fs', 'read_text_file', true))).toEqual({
      policy: 'allow',
      why: 'read-only by its server',
    });
    expect(p(tool('fs', 'write_file'))).toEqual({
      policy: 'ask',
      why: 'it may change things (not marked read-only)',
    });
  });
});
