import { describe, expect, it } from 'vitest';
import { agentSchema } from './agent.ts';

const coding = (extra: Record<string, unknown>) => ({ id: 'a', kind: 'coding', cli: 'claude', ...extra });
const issues = (v: unknown) => {
  const r = agentSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('coding agents on the Agent Client Protocol', () => {
  it('take protocol "acp" with any cli, tool_approvals "inbox" and a tool_policy', () => {
    for (const cli of ['claude', 'codex', 'opencode', 'qwen', 'gemini'])
      expect(issues(coding({ cli, protocol: 'acp', tool_approvals: 'inbox' }))).toEqual([]);
    expect(
      issues(
        coding({
          cli: 'acp',
          protocol: 'acp',
          executable: 'goose',
          args: ['acp'],
          tool_policy: [{ tools: '*/execute', policy: 'deny' }],
        }),
      ),
    ).toEqual([]);
  });

  it('name the field that is wrong', () => {
    expect(issues(coding({ cli: 'gemini', protocol: 'stream' }))).toEqual([
      expect.stringMatching(/^protocol: "stream" is not a route of cli "gemini"/),
    ]);
    expect(issues(coding({ cli: 'acp', protocol: 'acp' }))).toEqual([
      expect.stringMatching(/^executable: is required with cli "acp"/),
    ]);
    expect(issues(coding({ protocol: 'stream', tool_policy: [] }))).toEqual([
      expect.stringMatching(/^tool_policy: needs the ACP route/),
    ]);
    expect(issues(coding({ cli: 'codex', tool_policy: [] }))).toEqual([
      expect.stringMatching(/^tool_policy: needs the ACP route/),
    ]);
    expect(issues(coding({ protocol: 'sse' }))).toEqual([
      expect.stringMatching(/^protocol: must be "acp" or "stream"/),
    ]);
    expect(
      issues(
        coding({
          cli: 'acp',
          protocol: 'acp',
          executable: 'goose',
          max_cost_usd: 1,
          provider: { base_url: 'http://x' },
        }),
      ),
    ).toEqual([expect.stringMatching(/^max_cost_usd: is not held for cli "acp"/)]);
    expect(issues(coding({ cli: 'codex', tool_approvals: 'inbox' }))).toEqual([
      expect.stringMatching(/^tool_approvals: "inbox" needs cli "claude"/),
    ]);
  });

  it('name their model with a provider: Gemini CLI, codex, opencode and qwen, not claude', () => {
    const provider = { base_url: 'http://127.0.0.1:1/v1' };
    for (const cli of ['gemini', 'codex', 'opencode', 'qwen'])
      expect(issues(coding({ cli, provider }))).toEqual([
        `model: is required with a provider for cli "${cli}": Baton writes the CLI's config for that server, and names the model to ask it for`,
      ]);
    expect(issues(coding({ cli: 'claude', provider }))).toEqual([]);
    expect(issues(coding({ cli: 'gemini', provider, model: 'gemini-2.5-pro' }))).toEqual([]);
    // On the person's own login, the CLI's own default model.
    expect(issues(coding({ cli: 'gemini' }))).toEqual([]);
  });

  it('take no protocol where the default for their cli is ACP', () => {
    const provider = { base_url: 'http://127.0.0.1:1/v1' };
    // Gemini CLI and any ACP agent have no other route; opencode and qwen default to ACP with a provider.
    expect(issues(coding({ cli: 'gemini', tool_approvals: 'inbox' }))).toEqual([]);
    for (const cli of ['opencode', 'qwen'])
      expect(issues(coding({ cli, provider, model: 'm', tool_approvals: 'inbox', tool_policy: [] }))).toEqual(
        [],
      );
    // Without a provider they default to their stream, which has no permission hook.
    expect(issues(coding({ cli: 'qwen', tool_approvals: 'inbox' }))).toEqual([
      expect.stringMatching(/^tool_approvals: "inbox" needs cli "claude" or the ACP route/),
    ]);
  });
});
