import type { Store } from '../../src-main/store/store.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import type { Plan } from '../../src-shared/schemas/plan.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';
import type { Step } from '../../src-shared/schemas/step.ts';

/**
 * A month (or `days`) of runs that spent money, written through the real store the way the
 * engine writes them: five agents (four coding CLIs and an llm agent) on three models, three plans
 * (one in a project with a budget, one with a budget per run, one with a budget across its runs),
 * runs every day, each task an attempt of usage steps (a message step beside each, as a coding
 * CLI's trace has) and its charge. Some calls' cost is unknown (`cost_usd` null), some tokens read
 * from a cache. Seeded: the same options give the same data.
 */
export interface SpendSeed {
  /** Usage steps to write in all (spread over runs, tasks and days). */
  steps: number;
  days: number;
  /** The last day's noon (UTC) is `end`; runs go back `days` days from it. */
  end: Date;
  /** Usage steps per task (default 10). */
  stepsPerTask?: number;
  /** Tasks per run (default 5). */
  tasksPerRun?: number;
}

export const SEED_AGENTS: Agent[] = [
  { id: 'claude-coder', name: 'Claude coder', kind: 'coding', cli: 'claude', model: 'claude-sonnet-4-5' },
  { id: 'codex-coder', name: 'Codex coder', kind: 'coding', cli: 'codex', model: 'gpt-5-codex' },
  {
    id: 'opencode-coder',
    name: 'opencode coder',
    kind: 'coding',
    cli: 'opencode',
    model: 'claude-haiku-4-5',
  },
  { id: 'qwen-coder', name: 'Qwen coder', kind: 'coding', cli: 'qwen', model: 'gpt-5-codex' },
  {
    id: 'researcher',
    name: 'Researcher',
    kind: 'llm',
    base_url: 'http://127.0.0.1:9/v1',
    model: 'claude-haiku-4-5',
  },
].map((a) => agentSchema.parse({ skills: ['code'], ...a }) as Agent);

/** What each agent's model is (three models over five agents). */
export const SEED_MODELS: Record<string, string> = Object.fromEntries(
  SEED_AGENTS.map((a) => [a.id, 'model' in a && typeof a.model === 'string' ? a.model : '']),
);

/** USD per million input, output and cached tokens, as Baton's table has them (how each seeded call was priced). */
const PRICE: Record<string, [number, number, number]> = {
  'claude-sonnet-4-5': [3, 15, 0.3],
  'gpt-5-codex': [1.25, 10, 0.125],
  'claude-haiku-4-5': [1, 5, 0.1],
};

export const SEED_PLANS: Plan[] = [
  { plan_id: 'storefront-web', name: 'Storefront web', project_id: 'storefront' },
  { plan_id: 'docs-site', name: 'Docs site', budget: 0.5, budget_scope: 'run' as const },
  { plan_id: 'data-pipeline', name: 'Data pipeline', budget: 60, budget_scope: 'plan' as const },
].map((p) =>
  planSchema.parse({
    ...p,
    tasks: [{ task_id: 't0', description: 'Work', required_skills: ['code'] }],
  }),
);

/** A small PRNG (mulberry32): the seed's choices are the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the seed into `store`; answers how many runs and usage steps it wrote. */
export function seedSpend(store: Store, o: SpendSeed): { runs: number; steps: number } {
  const random = prng(47);
  const stepsPerTask = o.stepsPerTask ?? 10;
  const tasksPerRun = o.tasksPerRun ?? 5;
  const runs = Math.max(1, Math.round(o.steps / (stepsPerTask * tasksPerRun)));
  const now = new Date().toISOString();
  const endNoon = Date.UTC(o.end.getUTCFullYear(), o.end.getUTCMonth(), o.end.getUTCDate(), 12);
  const addRun = store.db.prepare(
    `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at, finished_at)
     VALUES (?, ?, 1, ?, 'completed', ?, ?, ?)`,
  );
  const addTask = store.db.prepare(
    `INSERT INTO task_runs (run_id, task_id, seq, status, agent_id, attempt, started_at, finished_at,
       updated_at, cost, cost_unknown) VALUES (?, ?, ?, 'done', ?, 1, ?, ?, ?, ?, ?)`,
  );
  let written = 0;
  store.tx(() => {
    store.projects.save({ id: 'storefront', name: 'Storefront', goal: '', phase: 'build', budget: 8 }, now);
    for (const a of SEED_AGENTS) store.agents.save(a, now);
    for (const p of SEED_PLANS) store.plans.save(p, now);
    for (let r = 0; r < runs; r++) {
      // Runs spread evenly over the days, at any minute of a day (the last day's before its noon).
      const day = Math.floor((r * o.days) / runs);
      const start = endNoon - (o.days - 1 - day) * 86_400_000 - Math.floor(random() * 86_400_000);
      const plan = SEED_PLANS[r % SEED_PLANS.length]!;
      const runId = `run-${String(r).padStart(5, '0')}`;
      const started = new Date(start).toISOString();
      const finished = new Date(start + 3_600_000).toISOString();
      addRun.run(runId, plan.plan_id, plan.project_id ?? null, `mem-${runId}`, started, finished);
      // Its build log, as a run has one (the run's page reads it).
      store.memory.insert({
        id: `mem-${runId}`,
        agent_id: 'orchestrator',
        type: 'build_log',
        content: { plan_id: plan.plan_id, delegated_tasks: [], unassigned_tasks: [], timestamp: started },
        tags: ['build_log', `plan:${plan.plan_id}`],
        project_id: plan.project_id ?? null,
        status: 'completed',
        task_type: 'build',
        task_id: plan.plan_id,
        created_at: started,
        updated_at: finished,
        plan_id: plan.plan_id,
      });
      for (let t = 0; t < tasksPerRun; t++) {
        const agent = SEED_AGENTS[(r + t) % SEED_AGENTS.length]!;
        const model = SEED_MODELS[agent.id]!;
        const [pin, pout, pcache] = PRICE[model]!;
        const taskId = `task-${t}`;
        const steps: Step[] = [];
        let usd = 0;
        let unknown = 0;
        for (let s = 0; s < stepsPerTask && written < o.steps; s++) {
          const at = new Date(start + t * 600_000 + s * 20_000).toISOString();
          const input = 200 + Math.floor(random() * 4_000);
          const output = 50 + Math.floor(random() * 1_500);
          const cached = Math.floor(random() * 8_000);
          const seen = random() > 0.03;
          const cost = seen
            ? Math.round(((input * pin + output * pout + cached * pcache) / 1e6) * 1e9) / 1e9
            : null;
          if (cost === null) unknown++;
          else usd += cost;
          steps.push({ seq: 2 * s, at, kind: 'message', role: 'assistant', text: `step ${s} of ${taskId}` });
          steps.push({
            seq: 2 * s + 1,
            at,
            kind: 'usage',
            model,
            input_tokens: input,
            output_tokens: output,
            cached_input_tokens: cached,
            cost_usd: cost,
            cost_source: cost === null ? 'unknown' : 'priced',
            duration_ms: 800 + Math.floor(random() * 4_000),
          });
          written++;
        }
        const end = new Date(start + t * 600_000 + stepsPerTask * 20_000).toISOString();
        addTask.run(runId, taskId, t, agent.id, started, end, end, usd, unknown);
        store.steps.upsertOf({ run_id: runId, task_id: taskId, attempt: 1, agent_id: agent.id }, steps);
        if (usd > 0 || unknown > 0)
          store.execution.charge({
            run_id: runId,
            plan_id: plan.plan_id,
            project_id: plan.project_id ?? null,
            task_id: taskId,
            agent_id: agent.id,
            amount: usd,
            unknown,
            kind: 'task',
            created_at: end,
          });
      }
    }
  });
  return { runs, steps: written };
}
