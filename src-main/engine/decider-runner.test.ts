import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../src-shared/schemas/decision.ts';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { ActiveRun } from './run-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

/** A kit whose decider answers `decisions`, one per question, in order. */
function withDecisions(decisions: Decision[]) {
  const queue = [...decisions];
  kit = partsKit({ decide: async () => ({ decision: queue.shift()! }) });
  kit.agents([{ id: 'w', skills: ['x'] }]);
}

/** `taskId` ends done (its agent took it and answered); its decider is asked and answers; the answer is applied. */
async function endAndApply(run: ActiveRun, taskId: string): Promise<void> {
  const { writer, questions, decider, loader } = kit.parts;
  loader.tx(() => {
    const t = kit.task(run, taskId);
    kit.rt.queue.remove(run.id, taskId);
    writer.setStatus(run, t, 'in_progress', { agent_id: 'w', attempt: t.attempt + 1 });
    writer.setStatus(run, t, 'done', { output: `${taskId} ok` });
  });
  questions.send();
  await new Promise((r) => setImmediate(r));
  loader.tx(() => {
    for (const answer of kit.taken('decider.answer')) decider.apply(answer);
  });
}

const reasoning = 'because';

describe('DeciderRunner', () => {
  it('adds the task a decider creates to the running DAG, after the task that asked, and records the decision', async () => {
    withDecisions([
      {
        action: 'create_task',
        task_description: 'Write the summary',
        reasoning,
        urgency: 'high',
        next_agent_type: 'x',
      },
    ]);
    const run = kit.start({ plan_id: 'p', decider: { kind: 'rules' }, tasks: [task('a')] });
    await endAndApply(run, 'a');
    expect(run.decider?.pending).toBe(0);
    expect(kit.stored(run.id, 'decided-1')).toMatchObject({ status: 'ready' });
    expect(run.specs.get('decided-1')).toMatchObject({
      description: 'Write the summary',
      depends_on: ['a'],
      required_skills: ['x'],
      priority: 'HIGH',
    });
    expect(kit.rt.queue.has(run.id, 'decided-1')).toBe(true);
    expect(kit.store.runs.addedSpecs(run.id).map((s) => s.task_id)).toEqual(['decided-1']);
    const [entry] = kit.store.memory.search({ type: 'decision', limit: 10 });
    expect(entry!.entry).toMatchObject({ status: 'create_task', task_id: 'a' });
    expect(kit.store.runs.get(run.id)!.status).toBe('executing');
  });

  it('turns a task proposed twice into an escalation: a task that waits for a person, never queued', async () => {
    const again: Decision = {
      action: 'create_task',
      task_description: 'Retry it',
      reasoning,
      urgency: 'normal',
    };
    withDecisions([again, again]);
    const run = kit.start({ plan_id: 'p', decider: { kind: 'rules' }, tasks: [task('a')] });
    await endAndApply(run, 'a');
    await endAndApply(run, 'decided-1');
    expect(kit.stored(run.id, 'escalation-2')).toMatchObject({ status: 'awaiting_approval' });
    expect(kit.rt.queue.has(run.id, 'escalation-2')).toBe(false);
    expect(kit.store.approvals.listForRun(run.id)).toEqual([
      expect.objectContaining({ task_id: 'escalation-2', kind: 'escalation', status: 'pending' }),
    ]);
    expect(kit.store.approvals.listForRun(run.id)[0]!.reason).toMatch(
      /overruled: the same task was already added once/,
    );
  });

  it('turns a task the plan task schema refuses into an escalation naming the field, not a failed tick', async () => {
    // A decider other than the llm one (the engine's `decide` option) is not held to the decision
    // schema: here its key information nests deeper than a task's inputs may.
    let deep: unknown = 'x';
    for (let i = 0; i < 80; i++) deep = { deep };
    withDecisions([
      {
        action: 'create_task',
        task_description: 'Use it',
        context_to_pass: { files_to_reference: [], key_information: deep as string },
        reasoning,
        urgency: 'normal',
      },
    ]);
    const run = kit.start({ plan_id: 'p', decider: { kind: 'rules' }, tasks: [task('a')] });
    await endAndApply(run, 'a');
    expect(run.decider?.pending).toBe(0);
    expect(kit.stored(run.id, 'decided-1')).toBeUndefined();
    expect(kit.stored(run.id, 'escalation-1')).toMatchObject({ status: 'awaiting_approval' });
    expect(kit.store.approvals.listForRun(run.id)[0]!.reason).toMatch(
      /overruled: the task to add is not valid \(inputs: /,
    );
    const [entry] = kit.store.memory.search({ type: 'decision', limit: 10 });
    expect(entry!.entry).toMatchObject({ status: 'escalate_to_human', task_id: 'a' });
  });

  it('closes the run when the decider says the project is complete: open tasks skipped, running ones cancelled', async () => {
    withDecisions([{ action: 'project_complete', reasoning: 'enough', urgency: 'normal' }]);
    const run = kit.start({
      plan_id: 'p',
      decider: { kind: 'rules' },
      tasks: [
        task('a'),
        task('b'),
        task('later', { depends_on: ['b'] }),
        task('gated', { requires_approval: true }),
      ],
    });
    kit.parts.loader.tx(() => {
      kit.rt.queue.remove(run.id, 'b');
      const m = kit.parts.agents.match(run.specs.get('b')!);
      if (m.kind === 'assigned') kit.parts.flow.assign(run, kit.task(run, 'b'), m.agent, m.explanation);
    });
    await endAndApply(run, 'a');
    const why = 'the decider closed the run: enough';
    expect(kit.stored(run.id, 'b')).toMatchObject({ status: 'cancelled', reason: why });
    expect(kit.stored(run.id, 'later')).toMatchObject({ status: 'skipped', reason: why });
    expect(kit.stored(run.id, 'gated')).toMatchObject({ status: 'skipped', reason: why });
    expect(kit.store.approvals.listForRun(run.id)).toEqual([
      expect.objectContaining({ task_id: 'gated', status: 'rejected', comment: `closed: ${why}` }),
    ]);
    expect(kit.store.runs.get(run.id)!.status).toBe('completed');
  });
});
