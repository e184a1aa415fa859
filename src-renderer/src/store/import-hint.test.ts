import { describe, expect, it } from 'vitest';
import { planImportHint } from './import-hint.ts';

describe('planImportHint', () => {
  it('sends an agents file to the Agents screen', () => {
    const hint = 'This looks like an agents file (it has agents, no tasks) — import it on the Agents screen.';
    expect(planImportHint({ agents: [{ id: 'writer', skills: ['write'] }] })).toBe(hint);
    expect(planImportHint([{ id: 'writer', kind: 'echo' }])).toBe(hint);
  });

  it('gives no hint for a plan, broken or not, or for anything else', () => {
    expect(planImportHint({ plan_id: 'p', tasks: [] })).toBeNull();
    expect(planImportHint({ agents: [{ id: 'a' }], tasks: [{ task_id: 't' }] })).toBeNull();
    expect(planImportHint({ plan_id: 'p' })).toBeNull();
    expect(planImportHint(42)).toBeNull();
    expect(planImportHint(null)).toBeNull();
  });
});
