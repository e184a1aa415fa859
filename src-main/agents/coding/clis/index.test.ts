import { describe, expect, it } from 'vitest';
import { ACP_ONLY_CLIS, CODING_CLIS, modelServerKnown } from '../../../../src-shared/schemas/agent.ts';
import { KNOWN_ACP_AGENTS } from './detect.ts';
import { CODING_CLI_DEFINITIONS, definitionOf } from './index.ts';

const ALL = [...CODING_CLIS, ...ACP_ONLY_CLIS];

describe('the table of coding CLIs', () => {
  it('files each definition under its own name; the stream CLIs have a stream part, the ACP-only ones none', () => {
    expect(Object.keys(CODING_CLI_DEFINITIONS).sort()).toEqual([...ALL].sort());
    for (const cli of ALL) expect(CODING_CLI_DEFINITIONS[cli].cli).toBe(cli);
    for (const cli of CODING_CLIS) expect(CODING_CLI_DEFINITIONS[cli].stream).not.toBeNull();
    for (const cli of ACP_ONLY_CLIS) expect(CODING_CLI_DEFINITIONS[cli].stream).toBeNull();
    expect(definitionOf('qwen')).toBe(CODING_CLI_DEFINITIONS.qwen);
    expect(definitionOf('aider')).toBeNull();
    expect(definitionOf('toString')).toBeNull();
  });

  it("meters what the agent schema says Baton can meter: a wire with a provider, and claude's own server without one", () => {
    for (const cli of ALL) {
      const d = CODING_CLI_DEFINITIONS[cli];
      // The schema refuses max_cost_usd where Baton cannot see the calls: the definition must agree.
      expect([cli, d.wire !== null]).toEqual([cli, modelServerKnown({ cli, provider: {} })]);
      expect([cli, d.ownServer !== null]).toEqual([cli, modelServerKnown({ cli })]);
    }
    expect(CODING_CLI_DEFINITIONS.claude.ownServer?.({})).toBe('https://api.anthropic.com');
    expect(CODING_CLI_DEFINITIONS.claude.ownServer?.({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/' })).toBe(
      'http://127.0.0.1:9/',
    );
  });

  it('lists the ACP agents the Agents screen looks for: each launch its own, then those run as custom ACP agents', () => {
    expect(KNOWN_ACP_AGENTS.map((a) => [a.name, a.launch])).toEqual([
      ['claude', 'claude'],
      ['codex', 'codex'],
      ['gemini', 'gemini'],
      ['qwen', 'qwen'],
      ['opencode', 'opencode'],
      ['copilot', null],
      ['goose', null],
    ]);
  });
});
