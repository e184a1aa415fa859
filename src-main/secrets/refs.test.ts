import { describe, expect, it } from 'vitest';
import { secretNamesIn } from './refs.ts';

describe('secretNamesIn', () => {
  it('finds *_secret fields, { secret } values and {secret:NAME} in text, at any depth', () => {
    const agent = {
      id: 'a',
      kind: 'llm',
      api_key_secret: 'openai.key',
      tools: [{ kind: 'mcp', url: 'https://x', auth_secret: 'mcp_token' }],
      env: { TOKEN: '{secret:gh} and {secret:gh}', KEY: { secret: 'raw-key' } },
      args: ['--token={secret:cli}'],
    };
    expect(secretNamesIn(agent)).toEqual(['cli', 'gh', 'mcp_token', 'openai.key', 'raw-key']);
  });

  it('finds nothing in a configuration without secrets', () => {
    expect(secretNamesIn({ id: 'w', skills: ['x'], description: 'a {secret} word' })).toEqual([]);
  });
});
