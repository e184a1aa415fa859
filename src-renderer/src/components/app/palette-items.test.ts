import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { paletteItems, RECENT_KEPT, readRecent, recentItems, rememberRecent } from './palette-items.ts';

const plan = (plan_id: string, archived = false) =>
  ({
    plan_id,
    name: `Plan ${plan_id}`,
    tags: ['nightly'],
    archived_at: archived ? '2026-11-01' : null,
  }) as PlanSummary;
const run = (id: string) => ({ id, plan_id: 'alpha', status: 'completed' }) as Run;

describe('the command palette’s entries', () => {
  const items = paletteItems({
    plans: [plan('alpha'), plan('old', true)],
    runs: Array.from({ length: 60 }, (_, i) => run(`run-${i}`)),
    agents: [{ id: 'qwen', name: 'Qwen', kind: 'coding', skills: ['code'] } as unknown as Agent],
    pending: [
      {
        id: 'ap-1',
        kind: 'diff_review',
        task_id: 'backend',
        plan_id: 'alpha',
        run_id: 'run-1',
      } as ApprovalView,
    ],
  });
  const byId = new Map(items.map((i) => [i.id, i]));

  it('offers every screen, the audit log and each Settings tab, by address', () => {
    expect(byId.get('screen:approvals')?.action).toEqual({
      kind: 'go',
      route: { screen: 'approvals', approvalId: null },
    });
    expect(byId.get('screen:audit')?.action).toEqual({
      kind: 'go',
      route: { screen: 'logs', search: { tab: 'audit', q: '' } },
    });
    expect(byId.get('settings:secrets')?.label).toBe('Settings: Secrets');
    expect(byId.get('screen:spend')).toMatchObject({
      label: 'Spend',
      action: { kind: 'go', route: { screen: 'spend', filter: {} } },
    });
  });

  it('offers plans (archived ones said so), running a plan that is not archived, what waits, agents and every run read', () => {
    expect(byId.get('plan:old')?.detail).toBe('old · archived');
    expect(byId.get('run-plan:alpha')?.action).toEqual({ kind: 'start-run', planId: 'alpha' });
    expect(byId.has('run-plan:old')).toBe(false);
    expect(byId.get('approval:ap-1')).toMatchObject({
      label: 'Diff review: backend',
      group: 'Waiting for you',
    });
    expect(byId.get('agent:qwen')).toMatchObject({ label: 'Qwen', detail: 'qwen · coding' });
    expect(items.filter((i) => i.group === 'Runs')).toHaveLength(60);
    // A run is found by its plan's name and its status, and says them.
    expect(byId.get('run:run-59')).toMatchObject({
      detail: 'Plan alpha · completed',
      words: ['alpha', 'Plan alpha', 'completed'],
    });
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('remembers the entries chosen lately, the latest first, and lists those that still exist first', () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => kept.set(k, v),
    };
    expect(readRecent(storage)).toEqual([]);
    rememberRecent(storage, 'plan:alpha');
    rememberRecent(storage, 'run:run-3');
    rememberRecent(storage, 'plan:alpha');
    rememberRecent(storage, 'plan:gone');
    expect(readRecent(storage)).toEqual(['plan:gone', 'plan:alpha', 'run:run-3']);
    const recent = recentItems(items, readRecent(storage));
    expect(recent.map((i) => [i.id, i.group, i.label])).toEqual([
      ['recent:plan:alpha', 'Recent', 'Plan alpha'],
      ['recent:run:run-3', 'Recent', 'run-3'],
    ]);
    for (let i = 0; i < 10; i++) rememberRecent(storage, `run:run-${i}`);
    expect(readRecent(storage)).toHaveLength(RECENT_KEPT);
    // What the storage holds is read with care: anything else reads as nothing remembered.
    kept.set('baton.palette.recent', '{"not":"a list"}');
    expect(readRecent(storage)).toEqual([]);
    kept.set('baton.palette.recent', 'not json');
    expect(readRecent(storage)).toEqual([]);
  });
});
