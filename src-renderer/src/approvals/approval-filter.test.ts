import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import { approvalFacets, matchesApproval, sortApprovals } from './approval-filter.ts';

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

describe('the order of what waits', () => {
  const at = (id: string, minute: number, blocks?: number, more = false): ApprovalView =>
    ({
      id,
      requested_at: `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000Z`,
      ...(blocks === undefined ? {} : { blocks: { count: blocks, more, next: [] } }),
    }) as ApprovalView;
  const list = [
    at('old-leaf', 1, 0),
    at('mid-3', 2, 3),
    at('new-3', 5, 3),
    at('huge', 6, 1000, true),
    at('none', 0),
  ];
  const ids = (sort: 'blocking' | 'oldest' | 'newest') => sortApprovals(list, sort).map((a) => a.id);

  it('puts what unblocks the most work first, the longest waiting first among equals', () => {
    expect(ids('blocking')).toEqual(['huge', 'mid-3', 'new-3', 'none', 'old-leaf']);
  });

  it('or the longest waiting first, or the latest asked first', () => {
    expect(ids('oldest')).toEqual(['none', 'old-leaf', 'mid-3', 'new-3', 'huge']);
    expect(ids('newest')).toEqual(['huge', 'new-3', 'mid-3', 'old-leaf', 'none']);
  });
});
