import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_KINDS } from '../../../src-shared/schemas/approval.ts';
import type { PartsKit } from '../../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../../test/kit/parts-kit.ts';
import type { ActiveRun } from '../run-state.ts';
import { APPROVALS } from './kinds.ts';

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
    const answer = approvals.decide(run, task, approvals.pending(approval.id), decision(approve, comment));
    if (answer) flow.answer(run, task, answer, 'ana');
  });
  return approval.id;
}

describe('approval kinds', () => {
  it('has one entry per kind, each saying what the task shows, what each answer does and how it closes', () => {
    expect(Object.keys(APPROVALS).sort()).toEqual([...APPROVAL_KINDS].sort());
    expect(APPROVALS.escalation.answer(decision(true, 'go'))).toEqual({
      to: 'done',
      reason: 'approved by ana',
      output: { decided_by: 'ana', comment: 'go' },
    });
    for (const kind of ['approval_required', 'budget'] as const)
      expect(APPROVALS[kind].answer(decision(true))).toEqual({ to: 'ready', reason: 'approved by ana' });
    for (const kind of APPROVAL_KINDS) {
      if (!APPROVALS[kind].insideAttempt)
        expect(APPROVALS[kind].answer(decision(false, 'not now'))).toEqual({
          to: 'skipped',
          reason: 'rejected by ana: not now',
        });
      expect(APPROVALS[kind].closed('run cancelled by bo')).toBe('closed: run cancelled by bo');
    }
    // A tool call's answer is for the attempt that waits on it; the task stays in progress.
    expect(APPROVALS.tool_call.answer(decision(false, 'not now'))).toEqual({
      to: 'attempt',
      reason: 'tool call denied by ana: not now',
    });
    expect(APPROVALS.tool_call.answer({ ...decision(true), input: { path: 'x' } })).toEqual({
      to: 'attempt',
      reason: 'tool call approved by ana with edited arguments',
    });
    expect(APPROVAL_KINDS.filter((k) => APPROVALS[k].insideAttempt)).toEqual(['tool_call', 'merge_conflict']);
    // A merge conflict's answer goes to the attempt that waits: go on once resolved, or fail.
    expect(APPROVALS.merge_conflict.answer(decision(true))).toEqual({
      to: 'attempt',
      reason: 'merge conflict resolved in the worktree, said ana',
    });
    expect(APPROVALS.merge_conflict.answer(decision(false, 'redo a'))).toEqual({
      to: 'attempt',
      reason: 'merge conflict left to fail by ana: redo a',
    });
    expect(APPROVALS.budget.waiting('over')).toBe('budget: over');
    expect(APPROVALS.approval_required.waiting('asked')).toBe('approval: asked');
    // Where each stops a task.
    expect(
      APPROVAL_KINDS.map((k) => [
        k,
        APPROVALS[k].whenReady !== null,
        APPROVALS[k].beforeStart !== null,
        APPROVALS[k].afterAttempt !== undefined,
      ]),
    ).toEqual([
      ['approval_required', true, true, false],
      ['budget', false, true, false],
      ['escalation', true, false, false],
      ['diff_review', false, false, true],
      ['tool_call', false, false, false],
      ['merge_conflict', false, false, false],
    ]);
    // Only a diff review has an answer to a request for changes.
    expect(APPROVAL_KINDS.filter((k) => APPROVALS[k].requestChanges !== undefined)).toEqual(['diff_review']);
    expect(APPROVALS.diff_review.answer(decision(true))).toEqual({
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
