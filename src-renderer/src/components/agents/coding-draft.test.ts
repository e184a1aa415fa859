import { describe, expect, it } from 'vitest';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { checkDraft, draftOf, EMPTY_DRAFT } from './agent-form.ts';
import { draftForCli, quickAgentFor } from './coding-draft.ts';

describe('a coding agent in the agent form', () => {
  it('registers a detected CLI with what was found: id, skills, the program', () => {
    const d = draftForCli({
      cli: 'qwen',
      found: true,
      path: '/usr/local/bin/qwen',
      version: '0.9.1',
      error: null,
      install: 'npm install -g @qwen-code/qwen-code',
      suggested_agent: { id: 'qwen', kind: 'coding', cli: 'qwen', skills: ['coding'] },
      programs: [],
    });
    const r = checkDraft({ ...d, model: 'qwen3-coder', timeout_s: '900', review: 'diff' }, null);
    expect(r).toMatchObject({
      ok: true,
      agent: {
        id: 'qwen',
        kind: 'coding',
        cli: 'qwen',
        executable: '/usr/local/bin/qwen',
        skills: ['coding'],
        model: 'qwen3-coder',
        timeout_s: 900,
        review: 'diff',
        args: [],
        env: {},
      },
    });
  });
  it('refuses a cap Baton could not hold, naming the field: max_cost_usd needs a model server Baton knows', () => {
    const qwen = {
      ...EMPTY_DRAFT,
      kind: 'coding' as const,
      id: 'q',
      cli: 'qwen' as const,
      max_cost_usd: '2.5',
    };
    const r = checkDraft(qwen, null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.max_cost_usd).toMatch(
      /^Most per attempt \(USD\) needs a provider for cli "qwen": Baton holds the cap/,
    );
    // Claude Code's calls go through Baton's metering endpoint on their way to its own server.
    expect(checkDraft({ ...qwen, cli: 'claude' }, null)).toMatchObject({
      ok: true,
      agent: { max_cost_usd: 2.5 },
    });
  });

  it('turns the argument line and environment lines into argv and a map, and back', () => {
    const r = checkDraft(
      {
        ...EMPTY_DRAFT,
        kind: 'coding',
        id: 'cc',
        cli: 'claude',
        cli_args: `--permission-mode acceptEdits --append-system-prompt 'be brief'`,
        env: 'ANTHROPIC_API_KEY=secret:anthropic\nDEBUG=1',
      },
      null,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.agent).toMatchObject({
      args: ['--permission-mode', 'acceptEdits', '--append-system-prompt', 'be brief'],
      env: { ANTHROPIC_API_KEY: { secret: 'anthropic' }, DEBUG: '1' },
    });
    const again = draftOf(agentSchema.parse(r.agent));
    expect(again).toMatchObject({ cli: 'claude', cli_args: r.ok ? expect.any(String) : '' });
    expect(checkDraft(again, r.agent)).toEqual(r);
  });
  it('names each wrong field', () => {
    const r = checkDraft(
      {
        ...EMPTY_DRAFT,
        kind: 'coding',
        id: 'cc',
        cli_args: '--x "open',
        env: 'no equals',
        max_cost_usd: '-1',
        timeout_s: 'soon',
      },
      null,
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        cli_args: 'Extra arguments has a " that is never closed',
        env: 'Environment: line 1 (no equals) needs NAME=value',
        max_cost_usd: 'Most per attempt (USD) must be more than 0',
        timeout_s: 'Timeout (s) must be a number of seconds more than 0',
      },
    });
  });

  it('adds a detected CLI in one click: its defaults, an id of its own, valid as it is', () => {
    const found = {
      cli: 'claude' as const,
      found: true,
      path: '/usr/local/bin/claude',
      version: '2.1.49',
      error: null,
      install: 'npm install -g @anthropic-ai/claude-code',
      suggested_agent: {
        id: 'claude-coder',
        kind: 'coding' as const,
        cli: 'claude' as const,
        skills: ['coding'],
      },
      programs: [],
    };
    const quick = quickAgentFor(found, [{ id: 'claude-coder' }, { id: 'claude-coder-2' }]);
    expect(quick).toEqual({
      id: 'claude-coder-3',
      name: 'Claude Code',
      kind: 'coding',
      cli: 'claude',
      skills: ['coding'],
      review: 'diff',
    });
    // No protocol, provider, program or model: its own login and default route; the schema takes it.
    expect(agentSchema.safeParse(quick).success).toBe(true);
    expect(quickAgentFor(found, []).id).toBe('claude-coder');
  });
});
