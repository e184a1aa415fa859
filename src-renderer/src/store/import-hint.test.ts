import { describe, expect, it, vi } from 'vitest';
import { planImportHint } from './import-hint.ts';

describe('planImportHint', () => {
  it('sends an agents file to the Agents screen', async () => {
    const hint = 'This looks like an agents file (it has agents, no tasks) — import it on the Agents screen.';
    expect(await planImportHint({ agents: [{ id: 'writer', skills: ['write'] }] })).toBe(hint);
    expect(await planImportHint([{ id: 'writer', kind: 'echo' }])).toBe(hint);
  });

  it('gives no hint for a plan, broken or not, or for anything else', async () => {
    expect(await planImportHint({ plan_id: 'p', tasks: [] })).toBeNull();
    expect(await planImportHint({ agents: [{ id: 'a' }], tasks: [{ task_id: 't' }] })).toBeNull();
    expect(await planImportHint({ plan_id: 'p' })).toBeNull();
    expect(await planImportHint(42)).toBeNull();
    expect(await planImportHint(null)).toBeNull();
  });
});

describe('planImportHint when the agents schema cannot load', () => {
  it('gives no hint, so the plain error stands', async () => {
    vi.resetModules();
    vi.doMock('../../../src-shared/schemas/agent.ts', () => {
      throw new Error('chunk gone');
    });
    const { planImportHint: hint } = await import('./import-hint.ts');
    expect(await hint({ agents: [{ id: 'writer', skills: ['write'] }] })).toBeNull();
    vi.doUnmock('../../../src-shared/schemas/agent.ts');
  });
});
