import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import { agentInputOf, checkDraft, draftChanged, draftOf, EMPTY_DRAFT, fieldErrorsOf } from './agent-form.ts';

describe('the agent form', () => {
  it('names every wrong field at once, in plain words', () => {
    const r = checkDraft({ ...EMPTY_DRAFT, kind: 'llm', capacity: '0', cost: 'free', model: ' ' }, null);
    expect(r).toEqual({
      ok: false,
      errors: {
        id: 'Id is required',
        max_concurrency: 'Capacity must be a whole number of at least 1',
        cost_per_task: 'Cost per task must be a number of at least 0',
        model: 'Model is required',
      },
    });
    expect(checkDraft({ ...EMPTY_DRAFT, id: 'ok', capacity: '1.5', cost: '' }, null)).toMatchObject({
      errors: {
        max_concurrency: 'Capacity must be a whole number of at least 1',
        cost_per_task: 'Cost per task must be a number of at least 0',
      },
    });
    expect(checkDraft({ ...EMPTY_DRAFT, id: 'bad id!' }, null)).toMatchObject({
      errors: { id: 'Id may contain only letters, digits and . _ : @ -' },
    });
  });

  it('keeps a sentence from the main process as it is, on its field', () => {
    const message = 'An agent with id hal already exists — edit it instead';
    expect(fieldErrorsOf([{ path: 'id', message }])).toEqual({ id: message });
    expect(fieldErrorsOf([{ path: 'charter.mission', message: 'must be at most 2000 characters' }])).toEqual({
      mission: 'Mission must be at most 2000 characters',
    });
  });

  it('edits an agent keeping what the form does not show, and drops an old kind’s settings', () => {
    const hal = agentSchema.parse({
      id: 'hal',
      name: 'Hal',
      kind: 'command',
      command: 'node',
      args: ['agent.js'],
      env: { MODE: 'x' },
      status: 'BUSY',
      tags: ['ship'],
      charter: { mission: 'Open the doors', vision: 'Calm' },
    }) as Agent;
    const draft = { ...draftOf(hal), capacity: '3', mission: '' };
    expect(checkDraft(draft, hal)).toEqual({
      ok: true,
      agent: {
        ...hal,
        status: 'ONLINE',
        max_concurrency: 3,
        charter: { vision: 'Calm', values: [], expertise: [] },
      },
    });
    const asEcho = agentInputOf({ ...draft, kind: 'echo' }, hal);
    expect(asEcho).not.toHaveProperty('command');
    expect(asEcho).not.toHaveProperty('env');
    expect(asEcho).toMatchObject({ id: 'hal', name: 'Hal', tags: ['ship'], kind: 'echo' });
  });

  it('asks the inbox about a Claude Code agent’s tool calls when told to; another CLI never gets it', () => {
    const claude = {
      ...EMPTY_DRAFT,
      kind: 'coding' as const,
      id: 'cc',
      skills: ['code'],
      cli: 'claude' as const,
      tool_approvals: 'inbox' as const,
    };
    const r = checkDraft(claude, null);
    expect(r.ok && r.agent).toMatchObject({ kind: 'coding', cli: 'claude', tool_approvals: 'inbox' });
    expect(r.ok && draftOf(r.agent).tool_approvals).toBe('inbox');
    const codex = checkDraft({ ...claude, cli: 'codex' }, null);
    expect(codex.ok && codex.agent).not.toHaveProperty('tool_approvals');
  });

  it('keeps an ACP agent’s protocol, tool approvals and tool policy when its form is saved', () => {
    const acp = {
      id: 'cx',
      kind: 'coding' as const,
      cli: 'codex' as const,
      protocol: 'acp' as const,
      tool_approvals: 'inbox' as const,
      tool_policy: [{ tools: 'codex/edit', policy: 'ask' as const }],
      skills: ['code'],
      args: [],
      env: {},
      max_concurrency: 1,
      cost_per_task: 0,
      status: 'ONLINE' as const,
    };
    const saved = agentInputOf({ ...draftOf(acp as never), name: 'Codex over ACP' }, acp as never);
    expect(saved).toMatchObject({
      protocol: 'acp',
      tool_approvals: 'inbox',
      tool_policy: [{ tools: 'codex/edit', policy: 'ask' }],
      name: 'Codex over ACP',
    });
  });

  it('knows when a field was changed since the form opened, and not when it was changed back', () => {
    expect(draftChanged(EMPTY_DRAFT, { ...EMPTY_DRAFT })).toBe(false);
    expect(draftChanged(EMPTY_DRAFT, { ...EMPTY_DRAFT, name: 'Ash' })).toBe(true);
    expect(draftChanged(EMPTY_DRAFT, { ...EMPTY_DRAFT, kind: 'coding' })).toBe(true);
    expect(draftChanged(EMPTY_DRAFT, { ...EMPTY_DRAFT, callback: false })).toBe(true);
    expect(draftChanged(EMPTY_DRAFT, { ...EMPTY_DRAFT, skills: ['write'] })).toBe(true);
    const filled = { ...EMPTY_DRAFT, skills: ['write', 'edit'] };
    expect(draftChanged(filled, { ...filled, skills: ['write', 'edit'] })).toBe(false);
    expect(draftChanged(filled, { ...filled, skills: ['edit', 'write'] })).toBe(true);
  });

  it("carries a command, llm or coding agent's sandbox, names a wrong line, and keeps an agent without one without", () => {
    const d = {
      ...EMPTY_DRAFT,
      kind: 'command' as const,
      id: 'tool',
      command: 'node',
      sandbox: { ...EMPTY_DRAFT.sandbox, hosts: 'registry.npmjs.org\nnot a host' },
    };
    expect(checkDraft(d, null)).toMatchObject({
      ok: false,
      errors: { 'sandbox.hosts': expect.stringMatching(/^Hosts it may reach, line 2: must be a host name/) },
    });
    const ok = checkDraft(
      { ...d, sandbox: { ...d.sandbox, hosts: 'registry.npmjs.org', mode: 'off' } },
      null,
    );
    expect(ok.ok && 'sandbox' in ok.agent && ok.agent.sandbox).toMatchObject({
      mode: 'off',
      network: { allow: ['registry.npmjs.org'] },
    });
    const plain = checkDraft({ ...d, sandbox: EMPTY_DRAFT.sandbox }, null);
    expect(plain.ok && 'sandbox' in plain.agent).toBe(false);
    if (!ok.ok) return;
    expect(draftOf(ok.agent).sandbox.hosts).toBe('registry.npmjs.org');
    expect(draftChanged(draftOf(ok.agent), { ...draftOf(ok.agent), sandbox: EMPTY_DRAFT.sandbox })).toBe(
      true,
    );
  });
});
