import type { ZodError, ZodType } from 'zod';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { idSchema } from '../../../src-shared/schemas/common.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { findCycle, parsePlan } from '../../../src-shared/schemas/plan.ts';
import { fieldMessage, plainMessage } from '../format/field-message.ts';

/** Pure edits of a draft plan: each returns a new plan, or a refusal that says why. */
export type TaskDraft = PlanInput['tasks'][number];
export type EditResult = { ok: true; plan: PlanInput } | { ok: false; reason: string };

const deps = (t: TaskDraft) => t.depends_on ?? [];

/** A failed parse's first problem, in words naming the field. */
const firstProblem = (label: string, error: ZodError) =>
  fieldMessage(label, error.issues[0]?.message ?? 'is not valid');

export function freshTaskId(plan: PlanInput, base = 'task'): string {
  const ids = new Set(plan.tasks.map((t) => t.task_id));
  for (let n = plan.tasks.length + 1; ; n++) {
    const id = `${base}-${String(n).padStart(3, '0')}`;
    if (!ids.has(id)) return id;
  }
}

export function addTask(plan: PlanInput, task: Partial<TaskDraft> = {}): { plan: PlanInput; taskId: string } {
  const task_id = task.task_id ?? freshTaskId(plan);
  return {
    plan: { ...plan, tasks: [...plan.tasks, { description: '', required_skills: [], ...task, task_id }] },
    taskId: task_id,
  };
}

export function duplicateTask(plan: PlanInput, taskId: string): { plan: PlanInput; taskId: string } | null {
  const source = plan.tasks.find((t) => t.task_id === taskId);
  if (!source) return null;
  const ids = new Set(plan.tasks.map((t) => t.task_id));
  let copy = `${taskId}-copy`;
  for (let n = 2; ids.has(copy); n++) copy = `${taskId}-copy-${n}`;
  return addTask(plan, { ...structuredClone(source), task_id: copy });
}

export type ConditionDraft = NonNullable<TaskDraft['condition']>;

/** A condition of these parts; one with nothing left in it is none. */
export function conditionOf(
  dependencies: ConditionDraft['dependencies'],
  output: ConditionDraft['output'],
): ConditionDraft | undefined {
  const next: ConditionDraft = {
    ...(dependencies && Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    ...(output ? { output } : {}),
  };
  return next.dependencies || next.output ? next : undefined;
}

/**
 * A condition with the dependency `from` renamed to `to`, or left out (`to` null): a condition
 * may only name the task's dependencies. A condition left with nothing in it is none.
 */
export function renameInCondition(
  condition: ConditionDraft | undefined,
  from: string,
  to: string | null,
): ConditionDraft | undefined {
  if (!condition) return condition;
  const named = condition.dependencies !== undefined && from in condition.dependencies;
  const tested = condition.output?.task_id === from;
  if (!named && !tested) return condition;
  const dependencies =
    named && condition.dependencies
      ? Object.fromEntries(
          Object.entries(condition.dependencies).flatMap(([id, s]) =>
            id !== from ? [[id, s]] : to === null ? [] : [[to, s]],
          ),
        )
      : condition.dependencies;
  const output =
    tested && condition.output
      ? to === null
        ? undefined
        : { ...condition.output, task_id: to }
      : condition.output;
  return conditionOf(dependencies, output);
}

/** A task waiting for `to` instead of its dependency `from`, or no longer for it (`to` null); its condition follows. */
function withDependencyRenamed(t: TaskDraft, from: string, to: string | null): TaskDraft {
  const { condition: _, ...rest } = t;
  const condition = renameInCondition(t.condition, from, to);
  const depends_on =
    to === null ? deps(t).filter((d) => d !== from) : deps(t).map((d) => (d === from ? to : d));
  return { ...rest, depends_on, ...(condition ? { condition } : {}) };
}

/** Removes a task and every dependency on it. */
export function removeTask(plan: PlanInput, taskId: string): PlanInput {
  return removeElements(plan, [taskId], []);
}

/**
 * Removes what was deleted together (as with the Delete key): the tasks, with every dependency
 * on them, and the links (`to` no longer waits for `from`). One edit, so one undo brings it all back.
 */
export function removeElements(
  plan: PlanInput,
  taskIds: readonly string[],
  links: readonly { from: string; to: string }[] = [],
): PlanInput {
  let next = plan;
  for (const { from, to } of links) next = disconnect(next, from, to);
  const gone = new Set(taskIds);
  if (gone.size === 0) return next;
  // One pass over the tasks: a task that waited for removed ones stops waiting for each, in turn.
  const without = (t: TaskDraft) => {
    let kept = t;
    for (const id of gone) if (deps(kept).includes(id)) kept = withDependencyRenamed(kept, id, null);
    return kept;
  };
  return {
    ...next,
    tasks: next.tasks
      .filter((t) => !gone.has(t.task_id))
      .map((t) => (deps(t).some((d) => gone.has(d)) ? without(t) : t)),
  };
}

/** Makes `to` depend on `from`, unless that would close a cycle (named in the refusal). */
export function connect(plan: PlanInput, from: string, to: string): EditResult {
  if (from === to) return { ok: false, reason: `a task cannot depend on itself ("${from}")` };
  const target = plan.tasks.find((t) => t.task_id === to);
  if (!target || !plan.tasks.some((t) => t.task_id === from)) return { ok: false, reason: 'unknown task' };
  if (deps(target).includes(from)) return { ok: false, reason: `"${to}" already depends on "${from}"` };
  const next = {
    ...plan,
    tasks: plan.tasks.map((t) => (t.task_id === to ? { ...t, depends_on: [...deps(t), from] } : t)),
  };
  const cycle = findCycle(next.tasks.map((t) => ({ task_id: t.task_id, depends_on: deps(t) })));
  if (cycle) return { ok: false, reason: `that would make a cycle: ${cycle.join(' → ')}` };
  return { ok: true, plan: next };
}

/** Makes `to` no longer depend on `from`; its condition stops naming `from` too. */
export function disconnect(plan: PlanInput, from: string, to: string): PlanInput {
  return {
    ...plan,
    tasks: plan.tasks.map((t) => (t.task_id === to ? withDependencyRenamed(t, from, null) : t)),
  };
}

/**
 * Gives a task a new id, renamed everywhere it is referenced; refused (in words naming the field)
 * when the id is taken by another task or is not a valid id, so two tasks never become one.
 */
export function renameTask(plan: PlanInput, taskId: string, to: string): EditResult {
  if (to === taskId) return { ok: true, plan };
  if (!plan.tasks.some((t) => t.task_id === taskId))
    return { ok: false, reason: `there is no task "${taskId}"` };
  const valid = idSchema.safeParse(to);
  if (!valid.success) {
    return { ok: false, reason: firstProblem('Task id', valid.error) };
  }
  if (plan.tasks.some((t) => t.task_id === to))
    return { ok: false, reason: `Task id ${to} is taken: pick another` };
  return {
    ok: true,
    plan: {
      ...plan,
      tasks: plan.tasks.map((t) =>
        t.task_id === taskId
          ? { ...t, task_id: to }
          : deps(t).includes(taskId)
            ? withDependencyRenamed(t, taskId, to)
            : t,
      ),
    },
  };
}

/** Updates one task's fields; its id is changed by `renameTask`, which refuses one already taken. */
export function updateTask(
  plan: PlanInput,
  taskId: string,
  patch: Partial<Omit<TaskDraft, 'task_id'>>,
): PlanInput {
  return { ...plan, tasks: plan.tasks.map((t) => (t.task_id === taskId ? { ...t, ...patch } : t)) };
}

export interface Check {
  severity: 'error' | 'warning';
  task_id: string | null;
  /** The field path, when the problem is a field's. */
  path: string | null;
  message: string;
}

/** The checks about a field or anything inside it (`path[0]`, `path.x`), not a field that starts alike. */
export function checksAt(checks: readonly Check[], path: string): Check[] {
  return checks.filter(
    (c) => c.path === path || c.path?.startsWith(`${path}[`) || c.path?.startsWith(`${path}.`),
  );
}

/**
 * What the checks say about a field or anything inside it, joined; null when nothing. With
 * the field's label each message names it: "Timeout (s) must be a number of seconds, …".
 */
export function fieldProblem(checks: readonly Check[], path: string, label?: string): string | null {
  return (
    checksAt(checks, path)
      .map((c) => (label === undefined ? c.message : fieldMessage(label, c.message)))
      .join('; ') || null
  );
}

/** A number field's text as the plan holds it: blank is no value, anything else a number (NaN if it is none). */
export function numberOfText(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

/** What is wrong with a number field as typed, in words naming it; null when nothing. */
export function numberProblem(label: string, text: string, schema: ZodType): string | null {
  const r = schema.safeParse(numberOfText(text));
  return r.success ? null : firstProblem(label, r.error);
}

/**
 * What will go wrong if this plan runs now: invalid fields (by path), tasks no registered
 * agent can take (and why), and estimated cost over the budget.
 */
export function checkPlan(plan: PlanInput, agents: readonly Agent[]): Check[] {
  const checks: Check[] = [];
  const parsed = parsePlan(plan);
  if (!parsed.ok) {
    for (const i of parsed.issues) {
      const index = i.path[0] === 'tasks' && typeof i.path[1] === 'number' ? i.path[1] : null;
      checks.push({
        severity: 'error',
        task_id: index === null ? null : (plan.tasks[index]?.task_id ?? null),
        path: formatPath(i.path),
        message: plainMessage(i.message),
      });
    }
  }
  const usable = agents.filter((a) => a.status === 'ONLINE' || a.status === 'BUSY');
  for (const t of plan.tasks) {
    const need = t.required_skills ?? [];
    if (t.agent) {
      const pinned = agents.find((a) => a.id === t.agent);
      if (!pinned)
        checks.push({
          severity: 'error',
          task_id: t.task_id,
          path: null,
          message: `pinned agent "${t.agent}" is not registered`,
        });
      continue;
    }
    if (need.length === 0 && agents.length > 0) {
      // No skill asked: the first agent free takes it, whatever it is (a draft gives none rather
      // than one no agent has).
      checks.push({
        severity: 'warning',
        task_id: t.task_id,
        path: null,
        message: 'no required skill: any agent could take it; give it the skill it needs',
      });
      continue;
    }
    const able = agents.filter((a) => need.every((s) => a.skills.includes(s)));
    if (able.length === 0) {
      let closest: string[] | null = null;
      for (const a of agents) {
        const missing = need.filter((s) => !a.skills.includes(s));
        if (closest === null || missing.length < closest.length) closest = missing;
      }
      checks.push({
        severity: 'error',
        task_id: t.task_id,
        path: null,
        message:
          agents.length === 0
            ? 'no agents are registered'
            : `no agent has ${need.length ? `all of: ${need.join(', ')}` : 'these skills'} (closest lacks ${closest?.join(', ')})`,
      });
    } else if (!able.some((a) => usable.includes(a))) {
      checks.push({
        severity: 'warning',
        task_id: t.task_id,
        path: null,
        message: `every agent that could take it is away: ${able.map((a) => `${a.id} (${a.status})`).join(', ')}`,
      });
    }
  }
  const decider = plan.decider;
  if (decider?.kind === 'llm') {
    const agent = decider.agent_id ? agents.find((a) => a.id === decider.agent_id) : undefined;
    if (agent?.kind !== 'llm')
      checks.push({
        severity: 'error',
        task_id: null,
        path: 'decider.agent_id',
        message: decider.agent_id
          ? `the decider's agent "${decider.agent_id}" is not a registered llm agent: the run will not start`
          : 'an llm decider needs the agent_id of a registered llm agent',
      });
  }
  const total = plan.tasks.reduce((sum, t) => sum + (t.estimated_cost ?? 0), 0);
  if (plan.budget !== undefined && total > plan.budget) {
    checks.push({
      severity: 'warning',
      task_id: null,
      path: 'budget',
      message: `estimated cost ${total} is over the budget of ${plan.budget}: some tasks will wait for approval`,
    });
  }
  return checks;
}
