import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import { DEFAULT_DECIDERS } from '../../../src-shared/schemas/people.ts';
import { withDecided } from './approval-history.ts';

const view = (id: string, status: ApprovalView['status'], decided_at: string | null): ApprovalView => ({
  id,
  run_id: 'r',
  task_id: id,
  status,
  kind: 'approval_required',
  reason: 'why',
  cost: 0,
  requested_at: '2026-01-01T00:00:00.000Z',
  decided_at,
  actor: decided_at ? 'ana' : null,
  comment: null,
  plan_id: 'p',
  run_started_by: null,
  deciders: DEFAULT_DECIDERS,
  task_description: null,
  dependencies: [],
});

describe('withDecided', () => {
  it('puts a decision in its place, the latest first, and leaves out what is not decided', () => {
    const list = [
      view('b', 'approved', '2026-01-01T00:02:00Z'),
      view('a', 'rejected', '2026-01-01T00:01:00Z'),
    ];
    const next = withDecided(list, [
      view('c', 'changes_requested', '2026-01-01T00:03:00Z'),
      view('d', 'pending', null),
      view('e', 'expired', '2026-01-01T00:04:00Z'),
    ]);
    expect(next.map((a) => a.id)).toEqual(['c', 'b', 'a']);
  });
  it('replaces an approval already listed rather than listing it twice', () => {
    const list = [view('a', 'approved', '2026-01-01T00:01:00Z')];
    expect(withDecided(list, [{ ...view('a', 'approved', '2026-01-01T00:01:00Z'), comment: 'ok' }])).toEqual([
      { ...list[0], comment: 'ok' },
    ]);
  });
});
