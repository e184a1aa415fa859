import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { Executor, ExecutorEvent, TaskContext } from '../../src-main/engine/executor.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import type { PlanInput } from '../../src-shared/schemas/plan.ts';

export interface Execution {
  ctx: TaskContext;
  signal: AbortSignal;
  events: ExecutorEvent[];
  finish(output?: unknown): void;
  fail(message: string): void;
  emit(ev: ExecutorEvent): void;
}

/**
 * An executor the test drives: each start waits until the test calls finish/fail, or
 * `auto` decides at once. Records start order and the most tasks running together.
 */
export function controlledExecutor(
  auto?: (ctx: TaskContext) => { ok: boolean; output?: unknown; error?: string } | 'hold',
) {
  const running = new Map<string, Execution>();
  const started: string[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const aborted: string[] = [];
  const executor: Executor = {
    async *start(ctx, signal) {
      const key = `${ctx.task.task_id}#${ctx.attempt}`;
      started.push(key);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      try {
        const decided = auto?.(ctx);
        if (decided && decided !== 'hold') {
          await Promise.resolve();
          yield decided.ok
            ? { type: 'result', output: decided.output ?? { ok: ctx.task.task_id } }
            : { type: 'error', message: decided.error ?? 'failed' };
          return;
        }
        const queue: ExecutorEvent[] = [];
        let wake: (() => void) | null = null;
        const push = (ev: ExecutorEvent) => {
          queue.push(ev);
          wake?.();
        };
        const exec: Execution = {
          ctx,
          signal,
          events: queue,
          finish: (output) => push({ type: 'result', output: output ?? { ok: ctx.task.task_id } }),
          fail: (message) => push({ type: 'error', message }),
          emit: push,
        };
        running.set(ctx.task.task_id, exec);
        signal.addEventListener('abort', () => {
          aborted.push(key);
          push({ type: 'error', message: 'cancelled' });
        });
        for (;;) {
          while (queue.length > 0) {
            const ev = queue.shift()!;
            yield ev;
            if (ev.type === 'result' || ev.type === 'error') return;
          }
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = null;
        }
      } finally {
        concurrent--;
        running.delete(ctx.task.task_id);
      }
    },
  };
  return {
    executor,
    running,
    started,
    aborted,
    get maxConcurrent() {
      return maxConcurrent;
    },
  };
}

/** Polls a check (sync or async) every 2 ms until it holds; fails after `timeoutMs` (a bound for a hung test, not a timing assertion). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function call<T = unknown>(app: BatonApp, method: string, input: unknown): Promise<T> {
  const r = await app.dispatch(method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

export async function setup(app: BatonApp, agents: AgentInput[], plan: PlanInput): Promise<string> {
  await call(app, 'agents.import', { agents });
  await call(app, 'plans.import', { plan });
  const build = await call<{ run_id: string }>(app, 'runs.start', { plan_id: plan.plan_id });
  return build.run_id;
}

export function task(task_id: string, extra: Record<string, unknown> = {}) {
  return { task_id, description: `do ${task_id}`, required_skills: ['x'], ...extra };
}
