import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { PALETTE_RUNS, paletteItems } from './palette-items.ts';

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

  it('offers plans (archived ones said so), running a plan that is not archived, what waits, agents and the newest runs', () => {
    expect(byId.get('plan:old')?.detail).toBe('old · archived');
    expect(byId.get('run-plan:alpha')?.action).toEqual({ kind: 'start-run', planId: 'alpha' });
    expect(byId.has('run-plan:old')).toBe(false);
    expect(byId.get('approval:ap-1')).toMatchObject({
      label: 'Diff review: backend',
      group: 'Waiting for you',
    });
    expect(byId.get('agent:qwen')).toMatchObject({ label: 'Qwen', detail: 'qwen · coding' });
    expect(items.filter((i) => i.group === 'Runs')).toHaveLength(PALETTE_RUNS);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });
});
