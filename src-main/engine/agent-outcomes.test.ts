import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import { personWaitMs } from './agent-outcomes.ts';

const at = (s: number) => `2026-11-21T10:00:${String(s).padStart(2, '0')}.000Z`;
const ms = (s: number) => Date.parse(at(s));
const approval = (kind: Approval['kind'], asked: number, answered: number | null): Approval => ({
  id: `apr-${kind}-${asked}`,
  run_id: 'r',
  task_id: 't',
  status: answered === null ? 'pending' : 'approved',
  kind,
  reason: 'why',
  cost: 0,
  requested_at: at(asked),
  decided_at: answered === null ? null : at(answered),
  actor: null,
  comment: null,
});

describe("an attempt's time, for its agent's record", () => {
  it("leaves out what it waited for a person, as the store's statistics do", () => {
    const asked = [
      approval('approval_required', 0, 1), // before the attempt: not its time anyway
      approval('tool_call', 3, 5),
      approval('merge_conflict', 6, 9),
      approval('budget', 10, 12), // a budget gate is no wait inside an attempt
      approval('tool_call', 14, null), // still open when the attempt ends at 16
    ];
    expect(personWaitMs(asked, at(2), ms(16))).toBe(2_000 + 3_000 + 2_000);
  });
});
