import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type {
  BuildLogContent,
  BuildResponse,
  RunDetail,
  SpendReport,
  TaskRun,
} from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

/**
 * The orchestrator build module's contract as the app answers it: the build response, the
 * build_log memory entry kept current while the run goes on, and budgets that gate tasks.
 */

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const open = (exec: ReturnType<typeof controlledExecutor>): BatonApp => {
  app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
  return app;
};
/**
 * The seed's build response out of `runs.start`: the contract adds the run screen's `run` and
 * `build_log`, so the screen opens the run from the answer; the build endpoint answers these
 * four fields only.
 */
const start = async (plan_id: string): Promise<BuildResponse> => {
  const { status, delegated_tasks, memory_id, run_id } = await call<BuildResponse>(app!, 'runs.start', {
    plan_id,
  });
  return { status, delegated_tasks, memory_id, run_id };
};
const readLog = (memory_id: string) => call<MemoryEntry>(app!, 'memory.read', { memory_id });
const detail = (run_id: string) => call<RunDetail>(app!, 'runs.get', { run_id });
const taskOf = async (run_id: string, task_id: string): Promise<TaskRun> =>
  (await detail(run_id)).tasks.find((t) => t.task_id === task_id)!;

/** The seed's request: two tasks, plan-87234 of project-123. */
const SEED_PLAN = {
  plan_id: 'plan-87234',
  project_id: 'project-123',
  tasks: [
    {
      task_id: 'task-001',
      description: 'Summarize project onboarding logs',
      required_skills: ['summarization', 'memory_search'],
    },
    {
      task_id: 'task-002',
      description: "Reflect on the user's recent actions",
      required_skills: ['reflection', 'context_analysis'],
    },
  ],
};
/** Agents for which the seed's outcome holds: ash takes task-001, nobody has context_analysis. */
const SEED_AGENTS = [
  { id: 'ash', skills: ['summarization', 'memory_search'] },
  { id: 'hal', skills: ['reflection'] },
];

/** Starts the seed's request with SEED_AGENTS registered; returns once ash works on task-001. */
const startSeedRun = async () => {
  const exec = controlledExecutor(() => 'hold');
  open(exec);
  await call(app!, 'agents.import', { agents: SEED_AGENTS });
  await call(app!, 'plans.import', { plan: SEED_PLAN });
  const build = await start('plan-87234');
  await eventually(() => exec.running.has('task-001'));
  return { exec, build };
};

/** The build_log memory entry's structure ("Memory Structure"), verbatim. */
const SEED_BUILD_LOG = {
  agent_id: 'orchestrator',
  type: 'build_log',
  content: {
    plan_id: 'plan-87234',
    delegated_tasks: [
      {
        task_id: 'task-001',
        assigned_agent: 'ash',
        delegation_task_id: 'task-001-delegated',
      },
    ],
    unassigned_tasks: [
      {
        task_id: 'task-002',
        reason: 'No qualified agent found: Agent lacks required skills: context_analysis.',
      },
    ],
    timestamp: '2025-04-11T23:08:51.123456',
  },
  tags: ['build_log', 'plan:plan-87234'],
  project_id: 'project-123',
  status: 'executing',
  task_type: 'build',
  task_id: 'plan-87234',
};

/** An ISO 8601 time as the store writes it (the seed's has microseconds and no zone). */
const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('the build response', () => {
  it('is failed, with nothing delegated, when no agent can take any task', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    await call(app!, 'agents.import', { agents: [{ id: 'ash', skills: ['summarization'] }] });
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'nobody',
        tasks: [
          { task_id: 'alchemy', description: 'turn lead to gold', required_skills: ['alchemy'] },
          {
            task_id: 'after',
            description: 'sell it',
            required_skills: ['summarization'],
            depends_on: ['alchemy'],
          },
        ],
      },
    });
    const build = await start('nobody');
    expect(build).toEqual({
      status: 'failed',
      delegated_tasks: [],
      memory_id: expect.any(String),
      run_id: expect.any(String),
    });
    // The memory_id names the build log, which says why nothing was delegated.
    const log = await readLog(build.memory_id);
    expect(log).toMatchObject({ type: 'build_log', status: 'failed' });
    expect((log.content as BuildLogContent).unassigned_tasks).toEqual([
      { task_id: 'alchemy', reason: 'No qualified agent found: Agent lacks required skills: alchemy.' },
    ]);
    expect((await detail(build.run_id)).status).toBe('failed');
  });

  it('is failed when no agent is registered at all', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    await call(app!, 'plans.import', { plan: SEED_PLAN });
    const build = await start('plan-87234');
    expect(build).toMatchObject({ status: 'failed', delegated_tasks: [] });
    const content = (await readLog(build.memory_id)).content as BuildLogContent;
    expect(content.unassigned_tasks.map((u) => u.task_id)).toEqual(['task-001', 'task-002']);
    expect(content.unassigned_tasks[0]!.reason).toBe('No qualified agent found: no agents are registered.');
  });

  it('is executing with the delegations in the seed’s shape when some tasks can be taken, and the run goes on', async () => {
    const { exec, build } = await startSeedRun();
    expect(build).toEqual({
      status: 'executing',
      delegated_tasks: [
        { task_id: 'task-001', assigned_agent: 'ash', delegation_task_id: 'task-001-delegated' },
      ],
      memory_id: expect.any(String),
      run_id: expect.any(String),
    });
    // Exactly the seed's three fields per delegation, nothing more.
    expect(Object.keys(build.delegated_tasks[0]!).sort()).toEqual([
      'assigned_agent',
      'delegation_task_id',
      'task_id',
    ]);

    // The response came while ash still works: the run goes on after it.
    expect((await detail(build.run_id)).status).toBe('executing');
    expect(await taskOf(build.run_id, 'task-001')).toMatchObject({
      status: 'in_progress',
      agent_id: 'ash',
      delegation_task_id: 'task-001-delegated',
    });
    exec.running.get('task-001')!.finish({ summary: 'onboarding went fine' });
    const ended = await app!.engine.whenSettled(build.run_id);
    expect(ended.status).toBe('failed'); // task-002 could not be done
    expect(await taskOf(build.run_id, 'task-001')).toMatchObject({
      status: 'done',
      output: { summary: 'onboarding went fine' },
    });
  });

  it('lists only what could be delegated at once; dependents are delegated later, as the run goes on', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    await call(app!, 'agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 2 }] });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'chain', tasks: [task('first'), task('second', { depends_on: ['first'] })] },
    });
    const build = await start('chain');
    expect(build.status).toBe('executing');
    expect(build.delegated_tasks).toEqual([
      { task_id: 'first', assigned_agent: 'w', delegation_task_id: 'first-delegated' },
    ]);
    await eventually(() => exec.running.has('first'));
    exec.running.get('first')!.finish();
    await eventually(() => exec.running.has('second'));
    expect(await taskOf(build.run_id, 'second')).toMatchObject({
      status: 'in_progress',
      agent_id: 'w',
      delegation_task_id: 'second-delegated',
    });
    exec.running.get('second')!.finish();
    expect((await app!.engine.whenSettled(build.run_id)).status).toBe('completed');
  });
});

describe('the build_log memory entry', () => {
  it('has the seed’s structure, field by field, while the run goes on', async () => {
    const { exec, build } = await startSeedRun();

    const entry = await readLog(build.memory_id);
    // The seed's fields and the entry's own (its id and times), nothing else.
    expect(Object.keys(entry).sort()).toEqual(
      [...Object.keys(SEED_BUILD_LOG), 'id', 'created_at', 'updated_at'].sort(),
    );
    const { id, created_at, updated_at, ...fields } = entry;
    expect(id).toBe(build.memory_id);
    expect(created_at).toEqual(isoTime);
    expect(updated_at).toEqual(isoTime);
    // Every field equals the seed's, but the time it was written.
    for (const key of Object.keys(SEED_BUILD_LOG) as (keyof typeof SEED_BUILD_LOG)[]) {
      if (key === 'content') continue;
      expect({ [key]: fields[key] }).toEqual({ [key]: SEED_BUILD_LOG[key] });
    }
    const content = entry.content as BuildLogContent;
    expect(Object.keys(content).sort()).toEqual(Object.keys(SEED_BUILD_LOG.content).sort());
    expect(content.plan_id).toBe(SEED_BUILD_LOG.content.plan_id);
    expect(content.delegated_tasks).toEqual(SEED_BUILD_LOG.content.delegated_tasks);
    expect(content.unassigned_tasks).toEqual(SEED_BUILD_LOG.content.unassigned_tasks);
    expect(content.timestamp).toEqual(isoTime);

    exec.running.get('task-001')!.finish();
    await app!.engine.whenSettled(build.run_id);
    const after = await readLog(build.memory_id);
    // Still the seed's structure at the end; the status is the run's.
    expect(after).toEqual({
      ...SEED_BUILD_LOG,
      id: build.memory_id,
      status: 'failed',
      content: { ...SEED_BUILD_LOG.content, timestamp: isoTime },
      created_at,
      updated_at: isoTime,
    });
  });

  it('is kept current: executing → completed, delegated tasks appearing as they are delegated', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    await call(app!, 'agents.import', {
      agents: [
        { id: 'ash', skills: ['x'] },
        { id: 'hal', skills: ['y'] },
      ],
    });
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'p-log',
        project_id: 'proj-log',
        tasks: [task('a'), task('b', { depends_on: ['a'], required_skills: ['y'] })],
      },
    });
    const build = await start('p-log');
    const delegatedOf = async () =>
      ((await readLog(build.memory_id)).content as BuildLogContent).delegated_tasks;

    await eventually(() => exec.running.has('a'));
    const first = await readLog(build.memory_id);
    expect(first).toMatchObject({
      status: 'executing',
      tags: ['build_log', 'plan:p-log'],
      project_id: 'proj-log',
      task_id: 'p-log',
      content: {
        plan_id: 'p-log',
        delegated_tasks: [{ task_id: 'a', assigned_agent: 'ash', delegation_task_id: 'a-delegated' }],
        unassigned_tasks: [],
      },
    });

    exec.running.get('a')!.finish();
    await eventually(() => exec.running.has('b'));
    // The log is rewritten a moment after a delegation, not at the end only.
    await eventually(async () => (await delegatedOf()).length === 2, 5_000, 'b in the build log');
    const middle = await readLog(build.memory_id);
    expect(middle.status).toBe('executing');
    expect((middle.content as BuildLogContent).delegated_tasks).toEqual([
      { task_id: 'a', assigned_agent: 'ash', delegation_task_id: 'a-delegated' },
      { task_id: 'b', assigned_agent: 'hal', delegation_task_id: 'b-delegated' },
    ]);
    expect(Date.parse(middle.updated_at)).toBeGreaterThanOrEqual(Date.parse(first.updated_at));

    exec.running.get('b')!.finish();
    await app!.engine.whenSettled(build.run_id);
    const last = await readLog(build.memory_id);
    expect(last.status).toBe('completed');
    expect(last.content).toEqual({
      plan_id: 'p-log',
      delegated_tasks: (middle.content as BuildLogContent).delegated_tasks,
      unassigned_tasks: [],
      timestamp: isoTime,
    });
    expect(Date.parse((last.content as BuildLogContent).timestamp)).toBeGreaterThanOrEqual(
      Date.parse((first.content as BuildLogContent).timestamp),
    );
    expect(last.created_at).toBe(first.created_at);
  });
});

describe('a project budget', () => {
  it('holds a task that would pass it for approval, across the project’s plans; approving lets it run and it is charged', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    await call(app!, 'projects.save', { id: 'proj-1', name: 'Launch', budget: 10 });
    await call(app!, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    // Two plans of the project, neither with a budget of its own.
    await call(app!, 'plans.import', {
      plan: { plan_id: 'spend-first', project_id: 'proj-1', tasks: [task('a', { estimated_cost: 6 })] },
    });
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'spend-next',
        project_id: 'proj-1',
        tasks: [
          task('small', { estimated_cost: 3 }),
          task('big', { estimated_cost: 6, depends_on: ['small'] }),
        ],
      },
    });
    const first = await start('spend-first');
    expect((await app!.engine.whenSettled(first.run_id)).status).toBe('completed');

    // 6 + 3 fits in 10, so `small` runs; 9 + 6 does not, so `big` waits for a person.
    const next = await start('spend-next');
    await eventually(
      async () => (await call<Approval[]>(app!, 'approvals.list', { status: 'pending' })).length > 0,
    );
    const pending = await call<Approval[]>(app!, 'approvals.list', { status: 'pending' });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ run_id: next.run_id, task_id: 'big', kind: 'budget', cost: 6 });
    expect(pending[0]!.reason).toBe('cost 6 would pass the project budget of 10 (spent 9, in flight 0)');
    expect(await taskOf(next.run_id, 'big')).toMatchObject({
      status: 'awaiting_approval',
      reason: 'budget: cost 6 would pass the project budget of 10 (spent 9, in flight 0)',
    });
    expect(await taskOf(next.run_id, 'small')).toMatchObject({ status: 'done', cost: 3 });
    expect(exec.started.map((s) => s.split('#')[0])).toEqual(['a', 'small']);
    expect(await call<SpendReport>(app!, 'runs.spend', { scope: 'project', id: 'proj-1' })).toMatchObject({
      spent: 9,
      budget: 10,
      remaining: 1,
    });
    // The plan has no budget: the project's is what held the task.
    expect(await call<SpendReport>(app!, 'runs.spend', { scope: 'plan', id: 'spend-next' })).toMatchObject({
      spent: 3,
      budget: null,
      remaining: null,
    });

    await call(app!, 'approvals.decide', { approval_id: pending[0]!.id, decision: 'approve', actor: 'ana' });
    expect((await app!.engine.whenSettled(next.run_id)).status).toBe('completed');
    expect(await taskOf(next.run_id, 'big')).toMatchObject({ status: 'done', agent_id: 'w', cost: 6 });

    const spend = await call<SpendReport>(app!, 'runs.spend', { scope: 'project', id: 'proj-1' });
    expect(spend).toMatchObject({ scope: 'project', id: 'proj-1', spent: 15, budget: 10, remaining: -5 });
    expect(
      spend.transactions.map((t) => [
        t.run_id,
        t.plan_id,
        t.project_id,
        t.task_id,
        t.agent_id,
        t.amount,
        t.kind,
      ]),
    ).toEqual([
      [first.run_id, 'spend-first', 'proj-1', 'a', 'w', 6, 'task'],
      [next.run_id, 'spend-next', 'proj-1', 'small', 'w', 3, 'task'],
      [next.run_id, 'spend-next', 'proj-1', 'big', 'w', 6, 'task'],
    ]);
    expect(await call<SpendReport>(app!, 'runs.spend', { scope: 'run', id: next.run_id })).toMatchObject({
      spent: 9,
      budget: null,
    });
  });

  it('lets every task run when the project has no budget', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    await call(app!, 'projects.save', { id: 'proj-free', name: 'Open-ended' });
    await call(app!, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'free', project_id: 'proj-free', tasks: [task('a', { estimated_cost: 1_000 })] },
    });
    const build = await start('free');
    expect((await app!.engine.whenSettled(build.run_id)).status).toBe('completed');
    expect(await call<Approval[]>(app!, 'approvals.list', {})).toEqual([]);
    expect(await call<SpendReport>(app!, 'runs.spend', { scope: 'project', id: 'proj-free' })).toMatchObject({
      spent: 1_000,
      budget: null,
      remaining: null,
    });
  });
});
