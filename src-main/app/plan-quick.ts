import { ID_MAX, ID_PATTERN, SKILL_MAX, SKILL_PATTERN } from '../../src-shared/schemas/plain/id.ts';
import { PRIORITIES, type TaskSpec } from '../../src-shared/schemas/plan.ts';

/**
 * A big plan's tasks read without zod where they are of the plainest kind (docs/speed.md, "A big
 * plan read quickly"). zod stays the one definition of a task: this reads only tasks whose every
 * key is one of `QUICK_KEYS` with a value of the simplest valid kind, and gives what
 * `taskSpecSchema` would give for them, key for key and in its order (a property test holds the
 * two together: `plan-quick.test.ts`); anything else (another field, a value it would refuse or
 * have to coerce) is null, and zod reads that task as before, with its own words for what is wrong.
 * Why: zod makes a result object and an issues array for every field of every task, set or not
 * (~30 a task): a 100,000-task plan's read allocated ~470 MB, the garbage that decided where a big
 * run's full GCs fell.
 */
const QUICK_KEYS: ReadonlySet<string> = new Set([
  'task_id',
  'description',
  'required_skills',
  'depends_on',
  'priority',
  'requires_approval',
  'estimated_cost',
  'agent',
]);

const PRIORITY_SET: ReadonlySet<unknown> = new Set(PRIORITIES);

const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= ID_MAX && ID_PATTERN.test(v);
const isSkill = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= SKILL_MAX && SKILL_PATTERN.test(v);

/** A new array of `v`'s items when it is an array of at most `max` items that all pass `ok`; else null. */
function listOf(v: unknown, max: number, ok: (item: unknown) => boolean): string[] | null {
  if (!Array.isArray(v) || v.length > max) return null;
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (!ok(item)) return null;
    out[i] = item as string;
  }
  return out;
}

/** `raw` as `taskSpecSchema` reads it, when it is a task of the plainest kind; else null (zod's to read). */
export function quickTask(raw: unknown): TaskSpec | null {
  if (raw === null || typeof raw !== 'object' || Object.getPrototypeOf(raw) !== Object.prototype) return null;
  const t = raw as Record<string, unknown>;
  for (const key in t) if (!QUICK_KEYS.has(key) || t[key] === undefined) return null;
  const { task_id, description, agent } = t;
  if (!isId(task_id) || typeof description !== 'string' || description.length > 20_000) return null;
  const skills = t.required_skills === undefined ? [] : listOf(t.required_skills, 64, isSkill);
  if (skills === null || (skills.length > 1 && new Set(skills).size !== skills.length)) return null;
  const deps = t.depends_on === undefined ? [] : listOf(t.depends_on, 1_000, isId);
  if (deps === null) return null;
  const priority = t.priority ?? 'MEDIUM';
  if (!PRIORITY_SET.has(priority)) return null;
  const approval = t.requires_approval ?? false;
  if (typeof approval !== 'boolean') return null;
  const cost = t.estimated_cost ?? 0;
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0 || cost > 1e9) return null;
  if (agent !== undefined && !isId(agent)) return null;
  // taskSpecSchema's order: its fields as its shape lists them, the defaults filled in.
  const task: TaskSpec = {
    task_id,
    description,
    required_skills: skills,
    depends_on: deps,
    priority: priority as TaskSpec['priority'],
    requires_approval: approval,
    estimated_cost: cost,
  };
  if (agent !== undefined) task.agent = agent;
  return task;
}
