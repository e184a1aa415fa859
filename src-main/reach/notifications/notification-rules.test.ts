import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { NotificationFacts } from './notifier.ts';
import { notificationOf } from './notifier.ts';

const entry = (e: Partial<AuditEntry>): AuditEntry => ({
  id: 7,
  at: '2026-03-28T10:00:00.000Z',
  actor: 'engine',
  entity: 'run',
  entity_id: 'run_1',
  run_id: 'run_1',
  from_status: 'executing',
  to_status: 'completed',
  why: 'all tasks done',
  ...e,
});
const facts = (f: Partial<NotificationFacts> = {}): NotificationFacts => ({
  approvalKind: null,
  waitsForPerson: false,
  ...f,
});
const approval = (kind: string) =>
  notificationOf(
    entry({
      entity: 'approval',
      entity_id: 'apr_1',
      from_status: null,
      to_status: 'pending',
      why: 'task "deploy" requires approval',
    }),
    facts({ approvalKind: kind }),
  );

describe('which audit entries are notifications', () => {
  it('an approval that starts waiting: budget is its own kind; tool calls and diff reviews are approvals, titled as such', () => {
    expect(approval('budget')).toMatchObject({
      kind: 'budget_exceeded',
      title: 'Budget passed: approval needed',
      target: { run_id: 'run_1', approval_id: 'apr_1', task_id: 'deploy' },
    });
    expect(approval('approval')).toMatchObject({ kind: 'approval_waiting', title: 'Approval waiting' });
    expect(approval('tool_call')).toMatchObject({
      kind: 'approval_waiting',
      title: 'Tool call waiting for approval',
    });
    expect(approval('diff_review')).toMatchObject({
      kind: 'approval_waiting',
      title: 'Diff waiting for review',
    });
    // Decided, it is not told again.
    expect(
      notificationOf(
        entry({ entity: 'approval', entity_id: 'apr_1', from_status: 'pending', to_status: 'approved' }),
        facts({ approvalKind: 'approval' }),
      ),
    ).toBeNull();
  });

  it('a task that becomes ready is told only when only a person can take it', () => {
    const ready = entry({ entity: 'task', entity_id: 'check', from_status: 'pending', to_status: 'ready' });
    expect(notificationOf(ready, facts({ waitsForPerson: true }))).toMatchObject({
      id: 'audit-7',
      kind: 'task_waiting',
      title: 'Task check waits in My tasks',
      target: { run_id: 'run_1', approval_id: null, task_id: 'check' },
    });
    expect(notificationOf(ready, facts())).toBeNull();
    expect(
      notificationOf({ ...ready, to_status: 'in_progress' }, facts({ waitsForPerson: true })),
    ).toBeNull();
  });

  it('a run that ends completed or failed; cancelled and other moves are not told', () => {
    expect(notificationOf(entry({}), facts())).toMatchObject({
      kind: 'run_completed',
      title: 'Run run_1 completed',
      body: 'all tasks done',
      target: { run_id: 'run_1', approval_id: null },
    });
    expect(notificationOf(entry({ to_status: 'failed' }), facts())).toMatchObject({ kind: 'run_failed' });
    expect(notificationOf(entry({ to_status: 'cancelled' }), facts())).toBeNull();
    expect(notificationOf(entry({ from_status: null, to_status: 'executing' }), facts())).toBeNull();
  });
});
