import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import { approvalFacets, matchesApproval } from './approval-filter.ts';

const approval = (id: string, plan_id: string | null, kind: ApprovalView['kind']) =>
  ({ id, plan_id, kind }) as Pick<ApprovalView, 'id' | 'plan_id' | 'kind'> as ApprovalView;

const pending = [
  approval('1', 'release', 'approval_required'),
  approval('2', 'release', 'budget'),
  approval('3', 'report', 'budget'),
  approval('4', 'report', 'tool_call'),
];

describe('the approvals inbox’s filters', () => {
  it('keeps the approvals of the plan and kind chosen', () => {
    const kept = (f: Parameters<typeof matchesApproval>[1]) =>
      pending.filter((a) => matchesApproval(a, f)).map((a) => a.id);
    expect(kept({})).toEqual(['1', '2', '3', '4']);
    expect(kept({ kind: 'budget' })).toEqual(['2', '3']);
    expect(kept({ plan_id: 'report', kind: 'budget' })).toEqual(['3']);
  });

  it('counts every kind within the plan chosen, and each plan within the kind chosen', () => {
    const all = approvalFacets(pending, {});
    expect(all.kinds.map((k) => [k.kind, k.count])).toEqual([
      ['approval_required', 1],
      ['budget', 2],
      ['escalation', 0],
      ['diff_review', 0],
      ['tool_call', 1],
      ['merge_conflict', 0],
      ['sandbox_host', 0],
    ]);
    expect(all.plans).toEqual([
      { plan_id: 'release', count: 2 },
      { plan_id: 'report', count: 2 },
    ]);
    const f = approvalFacets(pending, { plan_id: 'report', kind: 'tool_call' });
    expect(f.kinds.find((k) => k.kind === 'budget')?.count).toBe(1);
    expect(f.plans).toEqual([
      { plan_id: 'release', count: 0 },
      { plan_id: 'report', count: 1 },
    ]);
  });

  it('keeps a plan chosen among the choices when its last approval is decided', () => {
    expect(approvalFacets([], { plan_id: 'gone' }).plans).toEqual([{ plan_id: 'gone', count: 0 }]);
  });
});
