import { describe, expect, it } from 'vitest';
import { planImportHint } from './import-hint.ts';

describe('planImportHint', async () => {
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
