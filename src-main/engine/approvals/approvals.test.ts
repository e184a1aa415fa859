import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../../src-shared/schemas/approval.ts';
import { APPROVAL_KINDS } from '../../../src-shared/schemas/plain/approval.ts';
import type { PartsKit } from '../../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../../test/kit/parts-kit.ts';
import type { Store } from '../../store/store.ts';
import type { ActiveRun } from '../run-state.ts';
import { ASKS, GATES } from './kinds.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

const decision = (approve: boolean, comment?: string) => ({ approve, actor: 'ana', comment });

/** Applies a person's decision as `approvals.decide` does: recorded and answered in one transaction. */
function decide(run: ActiveRun, taskId: string, approve: boolean, comment?: string) {
  const { approvals, flow, loader } = kit.parts;
  const task = kit.task(run, taskId);
  const approval = kit.store.approvals
    .listForRun(run.id)
    .find((a) => a.task_id === taskId && a.status === 'pending')!;
  loader.tx(() => {
    const pending = approvals.pending(approval.id);
    const { kind } = pending;
    if (isAskKind(kind)) throw new Error(`a ${kind} is decided for the attempt that asked`);
    const answer = approvals.decide(run, task, { ...pending, kind }, decision(approve, comment));
    if (answer) flow.answer(run, task, answer, 'ana');
  });
  return approval.id;
}

/** An approval of `kind`, decided as `status` by ana (what an attempt that waits is given from). */
const decided = (
  kind: Approval['kind'],
  status: Approval['status'],
  comment: string | null = null,
): Approval => ({
  id: 'apr-1',
  run_id: 'r',
  task_id: 't',
  status,
  kind,
  reason: 'asked',
  cost: 0,
  requested_at: '2026-03-01T09:00:00.000Z',
  decided_at: status === 'pending' ? null : '2026-03-01T09:01:00.000Z',
  actor: status === 'pending' ? null : 'ana',
  comment,
});
/** A store that has kept the person's edited arguments of the tool call. */
const edited = (input: Record<string, unknown> | null) =>
  ({ toolCalls: { get: () => ({ edited_input: input }) } }) as unknown as Store;

describe('approval kinds', () => {
  it('has one entry per kind, each saying what the task shows, what each answer does and how it closes', () => {
    expect([...Object.keys(GATES), ...Object.keys(ASKS)].sort()).toEqual([...APPROVAL_KINDS].sort());
    expect(GATES.escalation.answer(decision(true, 'go'))).toEqual({
      to: 'done',
      reason: 'approved by ana',
      output: { decided_by: 'ana', comment: 'go' },
    });
    for (const kind of ['approval_required', 'budget'] as const)
      expect(GATES[kind].answer(decision(true))).toEqual({ to: 'ready', reason: 'approved by ana' });
    for (const kind of APPROVAL_KINDS) {
      if (!isAskKind(kind))
        expect(GATES[kind].answer(decision(false, 'not now'))).toEqual({
          to: 'skipped',
          reason: 'rejected by ana: not now',
        });
      const closed = isAskKind(kind) ? ASKS[kind].closed : GATES[kind].closed;
      expect(closed('run cancelled by bo')).toBe('closed: run cancelled by bo');
    }
    // A tool call's answer is for the attempt that waits on it; the task stays in progress.
    expect(ASKS.tool_call.verdict(decided('tool_call', 'rejected', 'not now'), edited(null))).toEqual({
      approve: false,
      approval_id: 'apr-1',
      actor: 'ana',
      message: 'Denied by ana: not now',
    });
    expect(ASKS.tool_call.verdict(decided('tool_call', 'approved'), edited({ path: 'x' }))).toEqual({
      approve: true,
      approval_id: 'apr-1',
      actor: 'ana',
      input: { path: 'x' },
      comment: null,
    });
    expect(ASKS.tool_call.verdict(decided('tool_call', 'pending'), edited(null))).toBeNull();
    expect(APPROVAL_KINDS.filter(isAskKind)).toEqual(['tool_call', 'merge_conflict', 'sandbox_host']);
    // A host a sandbox refused: allowed from then on, or not; the question outlives its attempt.
    expect(ASKS.sandbox_host.verdict(decided('sandbox_host', 'approved'), edited(null))).toEqual({
      allowed: true,
      actor: 'ana',
    });
    expect(ASKS.sandbox_host.verdict(decided('sandbox_host', 'rejected'), edited(null))).toEqual({
      allowed: false,
      actor: 'ana',
    });
    expect(ASKS.sandbox_host.verdict(decided('sandbox_host', 'pending'), edited(null))).toBeNull();
    expect(ASKS.sandbox_host.outlivesAttempt).toBe(true);
    // A merge conflict's answer goes to the attempt that waits: go on once resolved, or fail.
    expect(ASKS.merge_conflict.verdict(decided('merge_conflict', 'approved'), edited(null))).toEqual({
      resolved: true,
      actor: 'ana',
    });
    expect(
      ASKS.merge_conflict.verdict(decided('merge_conflict', 'rejected', 'redo a'), edited(null)),
    ).toEqual({
      resolved: false,
      actor: 'ana',
      comment: 'redo a',
    });
    expect(GATES.budget.waiting('over')).toBe('budget: over');
    expect(GATES.approval_required.waiting('asked')).toBe('approval: asked');
    // Where each stops a task; the kinds an attempt asks stop none (they have no gate).
    expect(
      APPROVAL_KINDS.map((k) =>
        isAskKind(k)
          ? [k, false, false, false]
          : [
              k,
              GATES[k].whenReady !== null,
              GATES[k].beforeStart !== null,
              GATES[k].afterAttempt !== undefined,
            ],
      ),
    ).toEqual([
      ['approval_required', true, true, false],
      ['budget', false, true, false],
      ['escalation', true, false, false],
      ['diff_review', false, false, true],
      ['tool_call', false, false, false],
      ['merge_conflict', false, false, false],
      ['sandbox_host', false, false, false],
    ]);
    // Only a diff review has an answer to a request for changes.
    expect(APPROVAL_KINDS.filter((k) => !isAskKind(k) && GATES[k].requestChanges !== undefined)).toEqual([
      'diff_review',
    ]);
    expect(GATES.diff_review.answer(decision(true))).toEqual({
      to: 'accepted',
      reason: 'approved by ana',
    });
  });
});

describe('Approvals', () => {
  it('asks as a task becomes ready: the plan’s approval if an agent can take it (none if none can), an escalation for a person’s decision', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({
      plan_id: 'p',
      tasks: [
        task('needs', { requires_approval: true, estimated_cost: 3 }),
        task('nobody', { requires_approval: true, required_skills: ['zzz'] }),
        task('a'),
        task('g', {
          depends_on: ['a'],
          requires_approval: true,
          description: 'A person decides how to go on: check it',
        }),
      ],
    });
    expect(kit.stored(run.id, 'needs')).toMatchObject({
      status: 'awaiting_approval',
      reason: 'approval: the plan requires approval for this task',
    });
    // Nobody can take it: no person is asked; dispatch will find it unassigned.
    expect(kit.stored(run.id, 'nobody')!.status).toBe('ready');
    expect(kit.rt.queue.has(run.id, 'nobody')).toBe(true);
    // `g` is an escalation (a decider's): asked as one, and never queued.
    run.gates.add('g');
    kit.parts.loader.tx(() => {
      const a = kit.task(run, 'a');
      kit.rt.queue.remove(run.id, 'a');
      kit.parts.writer.setStatus(run, a, 'in_progress', { agent_id: 'w', attempt: 1 });
      kit.parts.writer.setStatus(run, a, 'done', {});
      kit.parts.flow.settleDependents(run, 'a');
    });
    expect(kit.stored(run.id, 'g')).toMatchObject({
      status: 'awaiting_approval',
      reason: 'approval: check it',
    });
    expect(kit.rt.queue.has(run.id, 'g')).toBe(false);
    expect(kit.store.approvals.listForRun(run.id).map((a) => [a.task_id, a.kind, a.reason, a.cost])).toEqual([
      ['needs', 'approval_required', 'the plan requires approval for this task', 3],
      ['g', 'escalation', 'check it', 0],
    ]);
    // Approving the escalation is the work: the task is done, by the person.
    decide(run, 'g', true, 'looks fine');
    expect(kit.stored(run.id, 'g')).toMatchObject({
      status: 'done',
      agent_id: 'ana',
      output: { decided_by: 'ana', comment: 'looks fine' },
    });
  });

  it('asks before an agent starts a task whose cost would pass the budget, and not again once approved', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', budget: 5, tasks: [task('big', { estimated_cost: 10 })] });
    const big = kit.task(run, 'big');
    const spec = run.specs.get('big')!;
    const w = kit.parts.agents.of('w')!;
    const gated = kit.parts.loader.tx(() => {
      kit.rt.queue.remove(run.id, 'big');
      return kit.parts.approvals.gateBeforeStart(run, big, spec, w);
    });
    expect(gated).toBe(true);
    expect(kit.stored(run.id, 'big')).toMatchObject({
      status: 'awaiting_approval',
      reason: 'budget: cost 10 would pass the plan budget of 5 for this run (spent 0, in flight 0)',
    });
    decide(run, 'big', true);
    expect(kit.stored(run.id, 'big')).toMatchObject({ status: 'ready', reason: 'approved by ana' });
    expect(kit.rt.queue.has(run.id, 'big')).toBe(true);
    expect(kit.parts.loader.tx(() => kit.parts.approvals.gateBeforeStart(run, big, spec, w))).toBe(false);
  });

  it('records who decided and why; a rejection skips the task and what depends on it; a decided approval is not decided again', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({
      plan_id: 'p',
      tasks: [task('deploy', { requires_approval: true }), task('announce', { depends_on: ['deploy'] })],
    });
    const id = decide(run, 'deploy', false, 'not today');
    expect(kit.store.approvals.get(id)).toMatchObject({
      status: 'rejected',
      actor: 'ana',
      comment: 'not today',
    });
    expect(kit.stored(run.id, 'deploy')).toMatchObject({
      status: 'skipped',
      reason: 'rejected by ana: not today',
    });
    expect(kit.stored(run.id, 'announce')!.status).toBe('skipped');
    const audit = kit.store.memory.listAudit(run.id, 100, 'deploy');
    expect(audit.find((e) => e.entity === 'approval' && e.to_status === 'rejected')).toMatchObject({
      actor: 'ana',
      why: 'approval_required for task "deploy": not today',
    });
    expect(kit.store.runs.get(run.id)!.status).toBe('failed');
    expect(() => kit.parts.approvals.pending(id)).toThrow(`approval "${id}" was already rejected`);
    expect(() => kit.parts.approvals.pending('apr-nope')).toThrow('approval "apr-nope" not found');
  });
});
