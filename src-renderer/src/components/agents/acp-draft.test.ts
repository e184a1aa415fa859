import { describe, expect, it } from 'vitest';
import type { DetectedAcpAgent } from '../../../../src-shared/schemas/acp-agent.ts';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { defaultOption } from './acp-fields.ts';
import { checkDraft, draftOf, EMPTY_DRAFT } from './agent-form.ts';
import { codingRunsAs, draftForAcp, registeredAs } from './coding-draft.ts';

const gemini: DetectedAcpAgent = {
  name: 'gemini',
  title: 'Gemini CLI',
  path: '/opt/bin/gemini',
  args: ['--acp'],
  launch: 'gemini',
  source: 'path',
  version: null,
};
const goose: DetectedAcpAgent = {
  name: 'goose',
  title: 'goose',
  path: '/opt/bin/goose',
  args: ['acp'],
  launch: null,
  source: 'path',
  version: null,
};
const agent = (a: Record<string, unknown>) => agentSchema.parse({ kind: 'coding', ...a }) as Agent;

describe('an ACP coding agent in the agent form', () => {
  it('registers a detected ACP agent over ACP: its cli with the program found (Baton adds the ACP arguments), or cli "acp" with its program and ACP arguments', () => {
    const g = checkDraft({ ...draftForAcp(gemini, []), skills: ['code'] }, null);
    expect(g).toMatchObject({
      ok: true,
      agent: {
        id: 'gemini-acp',
        name: 'Gemini CLI',
        cli: 'gemini',
        protocol: 'acp',
        executable: '/opt/bin/gemini',
        args: [],
      },
    });
    const o = checkDraft({ ...draftForAcp(goose, []), skills: ['code'] }, null);
    expect(o).toMatchObject({
      ok: true,
      agent: { id: 'goose-acp', cli: 'acp', protocol: 'acp', executable: '/opt/bin/goose', args: ['acp'] },
    });
    expect(draftForAcp(gemini, []).skills).toEqual([]);
  });

  it('gives a registered one a free id, and says which agents a detected one is registered as', () => {
    const taken = [agent({ id: 'gemini-acp', cli: 'gemini', protocol: 'acp' })];
    expect(draftForAcp(gemini, taken).id).toBe('gemini-acp-2');
    expect(registeredAs(gemini, taken)).toEqual(['gemini-acp']);
    expect(registeredAs(goose, taken)).toEqual([]);
    const withGoose = [
      ...taken,
      agent({ id: 'g', cli: 'acp', protocol: 'acp', executable: 'goose', args: ['acp'] }),
    ];
    expect(registeredAs(goose, withGoose)).toEqual(['g']);
    // A Claude Code on its own stream is not the ACP adapter.
    expect(
      registeredAs({ ...gemini, name: 'claude', launch: 'claude' }, [agent({ id: 'c', cli: 'claude' })]),
    ).toEqual([]);
  });

  it('round-trips protocol, inbox tool approvals and the tool policy of an ACP agent of any cli', () => {
    const a = agent({
      id: 'gm',
      cli: 'gemini',
      protocol: 'acp',
      tool_approvals: 'inbox',
      tool_policy: [{ tools: '*/execute', policy: 'ask' }],
    });
    const d = draftOf(a);
    expect(d).toMatchObject({ protocol: 'acp', tool_approvals: 'inbox' });
    expect(JSON.parse(d.more.tool_policy ?? '')).toEqual([{ tools: '*/execute', policy: 'ask' }]);
    const again = checkDraft(d, a);
    expect(again.ok && again.agent).toEqual(a);
  });

  it('back on the stream, a CLI without the hook drops the inbox and the tool policy', () => {
    const a = agent({ id: 'cx', cli: 'codex', protocol: 'acp', tool_approvals: 'inbox', tool_policy: [] });
    const r = checkDraft({ ...draftOf(a), protocol: '' }, a);
    expect(r.ok && r.agent).not.toHaveProperty('protocol');
    expect(r.ok && r.agent).not.toHaveProperty('tool_approvals');
    expect(r.ok && r.agent).not.toHaveProperty('tool_policy');
  });

  it('takes the default route of its CLI without a protocol: the option names it, and over ACP the tool policy is kept', () => {
    const installed = { claudeAcp: true };
    const d = { ...EMPTY_DRAFT, kind: 'coding' as const, id: 'cl', cli: 'claude' as const };
    expect(defaultOption(d, installed)).toBe('default (ACP)');
    expect(defaultOption(d, { claudeAcp: false })).toBe('default (stream)');
    expect(defaultOption({ ...d, cli: 'opencode', provider_url: 'http://127.0.0.1:1/v1' }, null)).toBe(
      'default (ACP)',
    );
    const withPolicy = { ...d, tool_approvals: 'inbox' as const, more: { tool_policy: '[]' } };
    const r = checkDraft(withPolicy, null, installed);
    expect(r.ok && r.agent).toMatchObject({ tool_approvals: 'inbox', tool_policy: [] });
    expect(r.ok && r.agent).not.toHaveProperty('protocol');
    // Named "stream", it is kept, and the tool policy is not (nothing asks by it there).
    const stream = checkDraft({ ...withPolicy, protocol: 'stream' }, null, installed);
    expect(stream.ok && stream.agent).toMatchObject({ protocol: 'stream', tool_approvals: 'inbox' });
    expect(stream.ok && stream.agent).not.toHaveProperty('tool_policy');
    expect(codingRunsAs(agent({ id: 'x', cli: 'claude' }), installed)).toBe('Claude Code · ACP');
  });

  it('refuses another ACP agent without a program or arguments, and a tool policy that is wrong, naming each field', () => {
    const d = {
      ...EMPTY_DRAFT,
      kind: 'coding' as const,
      id: 'x',
      protocol: 'acp' as const,
      cli: 'acp' as const,
    };
    const r = checkDraft(d, null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.executable).toMatch(/^Program is required/);
    // A program that speaks ACP without arguments (claude-agent-acp) needs none.
    expect(r.errors.cli_args).toBeUndefined();
    const bad = checkDraft({ ...d, executable: 'goose', cli_args: 'acp', more: { tool_policy: '[{' } }, null);
    expect(bad.ok || bad.errors['more.tool_policy']).toMatch(/^Tool policy is not valid JSON/);
    const wrong = checkDraft(
      {
        ...d,
        executable: 'goose',
        cli_args: 'acp',
        more: { tool_policy: '[{"tools":"*","policy":"maybe"}]' },
      },
      null,
    );
    expect(wrong.ok || wrong.errors['more.tool_policy']).toMatch(/^Tool policy/);
  });

  it('says in the Agents list what runs a coding agent, and that it runs over ACP', () => {
    expect(codingRunsAs(agent({ id: 'a', cli: 'gemini', protocol: 'acp' }))).toBe('Gemini CLI · ACP');
    expect(codingRunsAs(agent({ id: 'b', cli: 'acp', protocol: 'acp', executable: '/x/goose' }))).toBe(
      'goose · ACP',
    );
    expect(codingRunsAs(agent({ id: 'c', cli: 'claude' }))).toBe('Claude Code');
  });
});
