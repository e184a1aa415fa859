import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonClient } from '../../src-shared/contract/client.ts';
import { ContractError } from '../../src-shared/contract/errors.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { BuildLogContent, Run } from '../../src-shared/schemas/run.ts';

export const examplesDir = join(import.meta.dirname, '..', '..', 'resources', 'examples');
export const examplePlan = () => JSON.parse(readFileSync(join(examplesDir, 'onboarding-plan.json'), 'utf8'));
export const exampleAgents = () => JSON.parse(readFileSync(join(examplesDir, 'agents.json'), 'utf8'));

export interface ContractHarness {
  client: BatonClient;
  close(): Promise<void> | void;
}

/** Waits until the run is no longer executing, by events, with a polling fallback. */
export async function settle(client: BatonClient, runId: string, timeoutMs = 10_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.invoke('runs.get', { run_id: runId });
    if (run.status !== 'executing') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still executing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectError(p: Promise<unknown>, code: string): Promise<ContractError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ContractError);
  expect((err as ContractError).code).toBe(code);
  return err as ContractError;
}

/** The same behaviour, whatever transport carries the contract. */
export function defineContractSuite(label: string, open: () => Promise<ContractHarness>): void {
  describe(`contract over ${label}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.close();
    });

    it('runs the build example (plan-87234): task-001 to ash, task-002 unassigned, one build_log entry', async () => {
      const batches: EventBatch[] = [];
      h.client.onBatch((b) => batches.push(b));
      const agents = await h.client.invoke('agents.import', { agents: exampleAgents() });
      expect(agents.map((a) => a.id)).toEqual(['ash', 'hal']);
      const plan = await h.client.invoke('plans.import', { plan: examplePlan() });
      expect(plan).toMatchObject({
        plan_id: 'plan-87234',
        version: 1,
        task_count: 2,
        project_id: 'project-123',
      });

      const build = await h.client.invoke('runs.start', { plan_id: 'plan-87234' });
      expect(build.status).toBe('executing');
      expect(build.delegated_tasks).toEqual([
        { task_id: 'task-001', assigned_agent: 'ash', delegation_task_id: 'task-001-delegated' },
      ]);

      const run = await settle(h.client, build.run_id);
      expect(run.status).toBe('failed'); // not every task could be done
      expect(run.counts.done).toBe(1);
      expect(run.counts.unassigned).toBe(1);

      const entry = await h.client.invoke('memory.read', { memory_id: build.memory_id });
      expect(Object.keys(entry).sort()).toEqual(
        [
          'agent_id',
          'content',
          'created_at',
          'id',
          'project_id',
          'status',
          'tags',
          'task_id',
          'task_type',
          'type',
          'updated_at',
        ].sort(),
      );
      expect(entry).toMatchObject({
        id: build.memory_id,
        agent_id: 'orchestrator',
        type: 'build_log',
        tags: ['build_log', 'plan:plan-87234'],
        project_id: 'project-123',
        task_type: 'build',
        task_id: 'plan-87234',
      });
      const content = entry.content as BuildLogContent;
      expect(Object.keys(content).sort()).toEqual([
        'delegated_tasks',
        'plan_id',
        'timestamp',
        'unassigned_tasks',
      ]);
      expect(content.plan_id).toBe('plan-87234');
      expect(content.delegated_tasks).toEqual([
        { task_id: 'task-001', assigned_agent: 'ash', delegation_task_id: 'task-001-delegated' },
      ]);
      expect(content.unassigned_tasks).toEqual([
        {
          task_id: 'task-002',
          reason: 'No qualified agent found: Agent lacks required skills: context_analysis.',
        },
      ]);
      expect(Number.isNaN(Date.parse(content.timestamp))).toBe(false);

      const logs = await h.client.invoke('memory.search', { type: 'build_log', plan_id: 'plan-87234' });
      expect(logs.map((l) => l.entry.id)).toEqual([build.memory_id]);

      const detail = await h.client.invoke('runs.get', { run_id: build.run_id });
      const t1 = detail.tasks.find((t) => t.task_id === 'task-001')!;
      expect(t1).toMatchObject({ status: 'done', agent_id: 'ash', attempt: 1 });
      expect(t1.match?.rejected).toEqual([
        { agent_id: 'hal', reason: 'lacks required skills: summarization, memory_search' },
      ]);
      expect(t1.output).toMatchObject({ task_id: 'task-001' });

      // Pushes arrived in batches, including the final state of both tasks.
      await new Promise((r) => setTimeout(r, 50));
      const taskEvents = batches.flat().filter((e) => e.name === 'task.updated');
      expect(taskEvents.some((e) => e.payload.task_id === 'task-001' && e.payload.status === 'done')).toBe(
        true,
      );
      expect(
        taskEvents.some((e) => e.payload.task_id === 'task-002' && e.payload.status === 'unassigned'),
      ).toBe(true);
      expect(batches.length).toBeLessThan(taskEvents.length + batches.flat().length);
    });

    it('passes dependency results to dependents and skips what follows a failure', async () => {
      await h.client.invoke('agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 4 }] });
      await h.client.invoke('plans.import', {
        plan: {
          plan_id: 'chain',
          tasks: [
            { task_id: 'a', description: 'first', required_skills: ['x'] },
            { task_id: 'b', description: 'second', required_skills: ['x'], depends_on: ['a'] },
            { task_id: 'c', description: 'needs a missing skill', required_skills: ['y'] },
            { task_id: 'd', description: 'after c', required_skills: ['x'], depends_on: ['c'] },
          ],
        },
      });
      const build = await h.client.invoke('runs.start', { plan_id: 'chain' });
      await settle(h.client, build.run_id);
      const tasks = (await h.client.invoke('runs.get', { run_id: build.run_id })).tasks;
      const by = Object.fromEntries(tasks.map((t) => [t.task_id, t]));
      expect(by.a!.status).toBe('done');
      expect(by.b!.status).toBe('done');
      expect(by.b!.output).toMatchObject({ received_from: ['a'] });
      expect(by.c!.status).toBe('unassigned');
      expect(by.d).toMatchObject({ status: 'skipped', reason: 'dependency "c" is unassigned' });
      const audit = await h.client.invoke('audit.list', { run_id: build.run_id });
      expect(audit.filter((e) => e.entity_id === 'b').map((e) => `${e.from_status}→${e.to_status}`)).toEqual([
        'blocked→ready',
        'ready→in_progress',
        'in_progress→done',
      ]);
      // What the run taught: w's two attempts at tasks needing x, neither checked nor a candidacy.
      expect(await h.client.invoke('agents.leaderboard', { skill: 'x' })).toEqual([
        {
          rank: 1,
          agent_id: 'w',
          skill: 'x',
          attempts: 2,
          checked: 0,
          checks_passed: 0,
          fix_rounds: 0,
          candidacies: 0,
          wins: 0,
          win_rate: 0.5,
          checks_rate: 0.5,
        },
      ]);
    });

    it('rejects bad input with the field named, and writes nothing', async () => {
      const err = await expectError(
        h.client.invoke('plans.import', {
          plan: {
            plan_id: 'bad',
            tasks: [
              { task_id: 'a', description: 'x', depends_on: ['b'] },
              { task_id: 'b', description: 'y', depends_on: ['a'] },
            ],
          },
        }),
        'invalid_input',
      );
      expect(err.message).toContain('tasks[0].depends_on');
      expect(err.message).toContain('dependency cycle: a → b → a');
      expect(await h.client.invoke('plans.list', {})).toEqual([]);

      const bad = await expectError(
        h.client.invoke('agents.import', {
          agents: [
            { id: 'ok', skills: [] },
            { id: 'x', status: 'SLEEPING' },
          ],
        }),
        'invalid_input',
      );
      expect(bad.message).toContain('agents[1].status');
      expect(await h.client.invoke('agents.list', {})).toEqual([]);

      // Input that fails the contract's own schema never reaches a handler.
      const wrong = await expectError(h.client.invoke('runs.get', { run_id: 42 } as never), 'invalid_input');
      expect(wrong.message).toContain('run_id');
      await expectError(h.client.invoke('runs.start', { plan_id: 'nope' }), 'not_found');
      await expectError(h.client.invoke('memory.read', { memory_id: 'nope' }), 'not_found');
      await expectError(h.client.invoke('nope.nothing' as never, {} as never), 'unknown_method');
    });

    it('keeps plan versions and finds memory by full-text search', async () => {
      await h.client.invoke('plans.import', { plan: examplePlan() });
      const v2 = await h.client.invoke('plans.import', { plan: { ...examplePlan(), name: 'Onboarding' } });
      expect(v2.version).toBe(2);
      expect((await h.client.invoke('plans.get', { plan_id: 'plan-87234' })).name).toBe('Onboarding');
      const build = await h.client.invoke('runs.start', { plan_id: 'plan-87234' });
      expect(build.status).toBe('failed'); // no agents: nothing could be delegated
      const hits = await h.client.invoke('memory.search', { query: 'no agents regist' });
      expect(hits.map((x) => x.entry.id)).toContain(build.memory_id);
      expect(hits[0]!.snippet).toContain('[[');
      expect(await h.client.invoke('memory.search', { query: 'zzznothing' })).toEqual([]);
    });

    it('lists plan versions newest first, reads an old one, and restores it as a new version', async () => {
      const v1 = examplePlan();
      await h.client.invoke('plans.import', { plan: v1 });
      const v2 = examplePlan();
      v2.name = 'Onboarding';
      v2.tasks.push({ task_id: 'task-003', description: 'Write the welcome note', depends_on: ['task-001'] });
      await h.client.invoke('plans.import', { plan: v2 });
      const v3 = structuredClone(v2);
      v3.tasks = v3.tasks.filter((t: { task_id: string }) => t.task_id !== 'task-002');
      v3.tasks[0].description = 'Summarize the onboarding logs of this week';
      await h.client.invoke('plans.import', { plan: v3 });
      const build = await h.client.invoke('runs.start', { plan_id: 'plan-87234' });

      const versions = await h.client.invoke('plans.versions', { plan_id: 'plan-87234' });
      expect(versions.map((v) => [v.version, v.name, v.task_count, v.current, v.run_count])).toEqual([
        [3, 'Onboarding', 2, true, 1],
        [2, 'Onboarding', 3, false, 0],
        [1, 'plan-87234', 2, false, 0],
      ]);
      expect(versions.map((v) => v.changes)).toEqual([
        { added: 0, removed: 1, changed: 1, plan_fields: 0 },
        { added: 1, removed: 0, changed: 0, plan_fields: 1 },
        null,
      ]);
      expect(Number.isNaN(Date.parse(versions[0]!.saved_at))).toBe(false);
      const runs = await h.client.invoke('runs.list', { plan_id: 'plan-87234' });
      expect(runs.find((r) => r.id === build.run_id)?.plan_version).toBe(3);

      const old = await h.client.invoke('plans.get', { plan_id: 'plan-87234', version: 1 });
      expect(old).toMatchObject({ version: 1, name: 'plan-87234', task_count: 2 });
      expect(old.plan.tasks.map((t) => t.task_id)).toEqual(['task-001', 'task-002']);
      expect((await h.client.invoke('plans.get', { plan_id: 'plan-87234' })).version).toBe(3);

      const restored = await h.client.invoke('plans.restore', { plan_id: 'plan-87234', version: 1 });
      expect(restored).toMatchObject({ version: 4, task_count: 2 });
      const now = await h.client.invoke('plans.get', { plan_id: 'plan-87234' });
      expect(now.version).toBe(4);
      expect(now.plan).toEqual(old.plan);
      const after = await h.client.invoke('plans.versions', { plan_id: 'plan-87234' });
      expect(after.map((v) => v.version)).toEqual([4, 3, 2, 1]);
      expect(after[0]!.changes).toEqual({ added: 1, removed: 1, changed: 1, plan_fields: 1 });
      expect(after.map((v) => v.same_as)).toEqual([1, null, null, null]);
      // History is kept: version 3 is still what it was.
      const three = await h.client.invoke('plans.get', { plan_id: 'plan-87234', version: 3 });
      expect(three.plan.tasks.map((t) => t.task_id)).toEqual(['task-001', 'task-003']);
    });

    it('names the field when a version request is wrong', async () => {
      await h.client.invoke('plans.import', { plan: examplePlan() });
      const missing = await expectError(
        h.client.invoke('plans.get', { plan_id: 'plan-87234', version: 9 }),
        'not_found',
      );
      expect(missing.message).toBe('plan "plan-87234" has no version 9 (versions 1–1)');
      const typo = await expectError(
        h.client.invoke('plans.get', { plan_id: 'plan-87234', version: '2' } as never),
        'invalid_input',
      );
      expect(typo.message).toContain('version: must be a version number');
      const zero = await expectError(
        h.client.invoke('plans.restore', { plan_id: 'plan-87234', version: 0 }),
        'invalid_input',
      );
      expect(zero.message).toContain('version');
      const noVersion = await expectError(
        h.client.invoke('plans.restore', { plan_id: 'plan-87234' } as never),
        'invalid_input',
      );
      expect(noVersion.message).toContain('version');
      await expectError(h.client.invoke('plans.versions', { plan_id: 'nope' }), 'not_found');
      await expectError(h.client.invoke('plans.restore', { plan_id: 'nope', version: 1 }), 'not_found');
      expect((await h.client.invoke('plans.versions', { plan_id: 'plan-87234' })).length).toBe(1);
    });

    it('answers spend, budgets and prices; a price set is listed in effect; a wrong one names its field', async () => {
      await h.client.invoke('agents.import', { agents: exampleAgents() });
      await h.client.invoke('projects.save', { id: 'project-123', name: 'Onboarding', budget: 0 });
      await h.client.invoke('plans.import', { plan: examplePlan() });
      const build = await h.client.invoke('runs.start', { plan_id: 'plan-87234' });
      await settle(h.client, build.run_id);
      // The example's agents think in no model turns: no usage steps, nothing to sum.
      const report = await h.client.invoke('spend.report', { by: 'model', since: '2020-01-01T00:00:00Z' });
      expect(report).toMatchObject({ by: 'model', rows: [], total: { calls: 0, usd: 0, unknown: 0 } });
      const budgets = await h.client.invoke('spend.budgets', { project_id: 'project-123' });
      expect(budgets.map((b) => [b.scope, b.id, b.budget])).toEqual([['project', 'project-123', 0]]);
      const set = await h.client.invoke('spend.prices.set', {
        model: 'local/coder',
        input_per_mtok: 0.5,
        output_per_mtok: 2,
        actor: 'ana',
      });
      expect(set).toMatchObject({ model: 'local/coder', source: 'set', set_by: 'ana', current: true });
      expect(
        (await h.client.invoke('spend.prices.list', {})).filter((p) => p.model === 'local/coder'),
      ).toEqual([set]);
      const bad = await expectError(
        h.client.invoke('spend.prices.set', { model: 'm', input_per_mtok: -1, output_per_mtok: 2 }),
        'invalid_input',
      );
      expect(bad.message).toContain('input_per_mtok');
      const range = await expectError(
        h.client.invoke('spend.report', { since: '2026-03-02', until: '2026-03-01' }),
        'invalid_input',
      );
      expect(range.message).toContain('until: must be after since');
    });
  });
}
