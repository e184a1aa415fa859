import type { PermissionOption } from '@agentclientprotocol/sdk';
import { describe, expect, it } from 'vitest';
import { answersPrompt, chooseOption, decide, policySubject, sameInput } from './permission.ts';

const CLAUDE_OPTIONS: PermissionOption[] = [
  { kind: 'allow_always', name: 'Always Allow', optionId: 'allow_always' },
  { kind: 'allow_once', name: 'Allow', optionId: 'allow' },
  { kind: 'reject_once', name: 'Reject', optionId: 'reject' },
];

describe('ACP permission requests', () => {
  it('match the tool policy over <cli>/<tool>, read-only kinds allowed by default, the rest asked', () => {
    const write = { toolCallId: '1', kind: 'edit' as const, name: 'Write' };
    const read = { toolCallId: '2', kind: 'read' as const, name: 'Read' };
    expect(policySubject('claude', write)).toEqual({ source: 'claude', name: 'Write', read_only: false });
    expect(decide([], true, 'claude', write).policy).toBe('ask');
    expect(decide([], true, 'claude', read).policy).toBe('allow');
    const rules = [
      { tools: 'claude/Bash', policy: 'deny' as const },
      { tools: '*/Write', policy: 'allow' as const },
      { tools: '*', policy: 'ask' as const },
    ];
    expect(decide(rules, true, 'claude', write)).toMatchObject({
      policy: 'allow',
      why: expect.stringContaining('*/Write'),
    });
    expect(decide(rules, true, 'claude', { toolCallId: '3', kind: 'execute', name: 'Bash' }).policy).toBe(
      'deny',
    );
    expect(decide(rules, true, 'codex', read).policy).toBe('ask');
  });

  it('allow every call when nobody is to be asked (tool_approvals not "inbox")', () => {
    expect(
      decide([{ tools: '*', policy: 'deny' }], false, 'claude', { toolCallId: '1', kind: 'edit' }).policy,
    ).toBe('allow');
  });

  it('answer with the option the agent offered: allow once (or always), reject once (or always), else cancelled', () => {
    expect(chooseOption(CLAUDE_OPTIONS, true)).toEqual({ outcome: 'selected', optionId: 'allow' });
    expect(chooseOption(CLAUDE_OPTIONS, true, true)).toEqual({
      outcome: 'selected',
      optionId: 'allow_always',
    });
    expect(chooseOption(CLAUDE_OPTIONS, false)).toEqual({ outcome: 'selected', optionId: 'reject' });
    expect(chooseOption([{ kind: 'reject_always', name: 'Never', optionId: 'n' }], false)).toEqual({
      outcome: 'selected',
      optionId: 'n',
    });
    expect(chooseOption([{ kind: 'allow_always', name: 'Always', optionId: 'a' }], false)).toEqual({
      outcome: 'cancelled',
    });
  });

  it('know the same arguments in any key order, and tell the model what a person answered', () => {
    expect(sameInput({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameInput({ a: 1 }, { a: 2 })).toBe(false);
    expect(answersPrompt(['Write extra.txt: Denied by Ana: keep it small.'])).toBe(
      'A person answered some of your tool calls in Baton while you worked:\n- Write extra.txt: Denied by Ana: keep it small.\nTake this into account and finish the task.',
    );
  });
});
