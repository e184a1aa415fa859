import type { ZodType } from 'zod';
import { backoffBase } from '../../../src-shared/backoff.ts';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { conditionSchema, retryPolicySchema } from '../../../src-shared/schemas/plan.ts';
import { formatDuration } from '../format/duration.ts';
import { fieldMessage, plainMessage } from '../format/field-message.ts';
import type { Check, ConditionDraft, TaskDraft } from './plan-edit.ts';
import { checksAt, conditionOf } from './plan-edit.ts';

/** Pure helpers behind the designer panel's advanced fields: retries, conditions, JSON, decider. */

type RetryDraft = NonNullable<TaskDraft['retry']>;
type BackoffDraft = NonNullable<RetryDraft['backoff']>;
export type OutputTest = NonNullable<ConditionDraft['output']>;
type DeciderDraft = NonNullable<PlanInput['decider']>;

export type RetryField = 'max_attempts' | keyof BackoffDraft;

/** What a retry policy is when a field is left blank. */
export const RETRY_DEFAULTS = retryPolicySchema.parse({});

function setKey<K extends string>(
  o: Partial<Record<K, number>>,
  key: K,
  value: number | undefined,
): Partial<Record<K, number>> {
  const next = { ...o };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** Sets one retry field; a blank one (undefined) is left out, and a policy with nothing in it is none. */
export function withRetryField(
  retry: RetryDraft | undefined,
  field: RetryField,
  value: number | undefined,
): RetryDraft | undefined {
  const { backoff = {}, ...head } = retry ?? {};
  const top = field === 'max_attempts' ? setKey(head, field, value) : head;
  const wait = field === 'max_attempts' ? backoff : setKey(backoff, field, value);
  const next: RetryDraft = { ...top, ...(Object.keys(wait).length > 0 ? { backoff: wait } : {}) };
  return Object.keys(next).length > 0 ? next : undefined;
}

const usable = (v: number | undefined, fallback: number) =>
  v === undefined ? fallback : Number.isFinite(v) ? v : null;

/**
 * What the waits between attempts will be, in words: "Waits about 1.0 s, 2.0 s between
 * attempts (± 20 %)." Null when a field holds no number yet.
 */
export function retryWaits(retry: RetryDraft | undefined): string | null {
  const d = RETRY_DEFAULTS.backoff;
  const attempts = usable(retry?.max_attempts, RETRY_DEFAULTS.max_attempts);
  const initial = usable(retry?.backoff?.initial_ms, d.initial_ms);
  const factor = usable(retry?.backoff?.factor, d.factor);
  const max = usable(retry?.backoff?.max_ms, d.max_ms);
  const jitter = usable(retry?.backoff?.jitter, d.jitter);
  if (attempts === null || initial === null || factor === null || max === null || jitter === null)
    return null;
  if (attempts <= 1) return 'One try: set Tries above 1 to retry a failed task.';
  const waits: string[] = [];
  for (let k = 0; k < Math.min(attempts - 1, 4); k++) {
    waits.push(formatDuration(backoffBase({ initial_ms: initial, max_ms: max, factor }, k + 2)));
  }
  if (attempts - 1 > 4) waits.push('…');
  const spread = jitter > 0 ? ` (± ${Math.round(jitter * 100)} %)` : '';
  return `Waits about ${waits.join(', ')} between tries${spread}.`;
}

/** The statuses a condition may name for a dependency, in the schema's order. */
export const END_STATUSES = conditionSchema.shape.dependencies.unwrap().valueType.element.options;
export type EndStatus = (typeof END_STATUSES)[number];

/** The statuses a dependency may have ended in for the task to run; a dependency not named must be done. */
export function allowedStatuses(condition: ConditionDraft | undefined, dep: string): readonly EndStatus[] {
  return condition?.dependencies?.[dep] ?? ['done'];
}

/** Sets the statuses a dependency may end in; "done" alone is what a dependency needs anyway, so it is left out. */
export function withAllowedStatuses(
  condition: ConditionDraft | undefined,
  dep: string,
  statuses: readonly EndStatus[],
): ConditionDraft | undefined {
  const ordered = END_STATUSES.filter((s) => statuses.includes(s));
  const { [dep]: _, ...others } = condition?.dependencies ?? {};
  const dependencies = ordered.length === 1 && ordered[0] === 'done' ? others : { ...others, [dep]: ordered };
  return conditionOf(dependencies, condition?.output);
}

export function withOutputTest(
  condition: ConditionDraft | undefined,
  output: OutputTest | undefined,
): ConditionDraft | undefined {
  return conditionOf(condition?.dependencies, output);
}

export const OUTPUT_TESTS = ['equals', 'matches', 'exists', 'missing'] as const;
export type OutputTestKind = (typeof OUTPUT_TESTS)[number];
export const OUTPUT_TEST_LABELS: Record<OutputTestKind, string> = {
  equals: 'equals',
  matches: 'matches the pattern',
  exists: 'exists',
  missing: 'is missing',
};

export function outputTestKind(o: OutputTest): OutputTestKind {
  if (o.equals !== undefined) return 'equals';
  if (o.matches !== undefined) return 'matches';
  return o.exists === false ? 'missing' : 'exists';
}

/** The same output test with another kind of test; a value the new kind cannot use is dropped. */
export function withTestKind(o: OutputTest, kind: OutputTestKind): OutputTest {
  const base = { task_id: o.task_id, ...(o.path ? { path: o.path } : {}) };
  switch (kind) {
    case 'equals':
      return { ...base, equals: o.equals ?? o.matches ?? '' };
    case 'matches':
      return { ...base, matches: o.matches ?? (typeof o.equals === 'string' ? o.equals : '') };
    case 'exists':
      return { ...base, exists: true };
    case 'missing':
      return { ...base, exists: false };
  }
}

/**
 * Whether the form shows all of a condition: it names only the task's dependencies, and its
 * output test has one test. Anything else is edited as JSON.
 */
export function conditionFitsForm(condition: ConditionDraft | undefined, deps: readonly string[]): boolean {
  if (!condition) return true;
  if (Object.keys(condition.dependencies ?? {}).some((d) => !deps.includes(d))) return false;
  const o = condition.output;
  if (!o) return true;
  const tests = [o.equals, o.matches, o.exists].filter((v) => v !== undefined).length;
  return deps.includes(o.task_id) && tests === 1;
}

/** A condition in a few words, for its section's heading. */
export function conditionSummary(condition: ConditionDraft | undefined): string {
  if (!condition) return 'every dependency done';
  const parts = Object.entries(condition.dependencies ?? {}).map(([d, s]) => `${d} ${s.join(' or ')}`);
  if (condition.output) parts.push(`${condition.output.task_id} output test`);
  return parts.join(' · ');
}

/** An expected value as its field shows it: text as is, anything else (or text that reads as JSON) as JSON. */
export function equalsText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') {
    try {
      JSON.parse(v);
      return JSON.stringify(v);
    } catch {
      return v;
    }
  }
  return JSON.stringify(v);
}

/** An expected value as typed: JSON when it reads as JSON (42, true, "x", {…}), else the text itself. */
export function equalsOfText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What is wrong with a regular expression, in words; null when nothing. */
export function patternProblem(label: string, pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch {
    return `${label} is not a valid regular expression`;
  }
}

/** A value as a JSON field shows it: blank for none. */
export const jsonText = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v, null, 2));

/** Where JSON.parse stopped, as a person reads it. */
function jsonSyntax(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /\(line (\d+) column (\d+)\)/.exec(message);
  if (at) return ` (line ${at[1]}, column ${at[2]})`;
  if (/end of JSON input/.test(message)) return ': it ends too soon';
  const token = /^Unexpected token '(.+?)'/.exec(message);
  // A letter or ' where a value starts: text without its double quotes.
  if (token)
    return /^[A-Za-z']/.test(token[1]!) ? ': text needs "double quotes"' : `: unexpected ${token[1]}`;
  return '';
}

/**
 * A JSON field's text, read and checked against its schema: blank is no value. Problems
 * name the field and, inside it, the path: "Condition: dependencies.a[0] must be one of …".
 */
export function parseJsonField<V>(
  label: string,
  text: string,
  schema: ZodType<unknown, V>,
): { ok: true; value: V | undefined } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${label} is not valid JSON${jsonSyntax(err)}` };
  }
  const r = schema.safeParse(raw);
  // The value as written (defaults not filled in), as the draft holds every field.
  if (r.success) return { ok: true, value: raw as V };
  const message = r.error.issues
    .slice(0, 3)
    .map((i) =>
      i.path.length === 0
        ? fieldMessage(label, i.message)
        : `${label}: ${fieldMessage(formatPath(i.path), i.message)}`,
    )
    .join('; ');
  return { ok: false, message };
}

export type DeciderKind = 'none' | 'rules' | 'llm';

export const deciderKind = (d: DeciderDraft | undefined): DeciderKind => (d ? (d.kind ?? 'rules') : 'none');

/** The decider with another kind; its guardrail is kept, an llm decider keeps (or takes) its agent. */
export function withDeciderKind(
  d: DeciderDraft | undefined,
  kind: DeciderKind,
  firstLlmAgent: string | undefined,
): DeciderDraft | undefined {
  if (kind === 'none') return undefined;
  const max = d?.max_created_tasks !== undefined ? { max_created_tasks: d.max_created_tasks } : {};
  if (kind === 'rules') return { kind, ...max };
  const agent = d?.agent_id ?? firstLlmAgent;
  return { kind, ...(agent ? { agent_id: agent } : {}), ...max };
}

/**
 * The tasks `taskId` may wait for: every other task it does not wait for yet, except those that
 * already wait for it, directly or through others (waiting for one of them would make a cycle).
 */
export function dependencyChoices(
  tasks: readonly { task_id: string; depends_on?: readonly string[] | undefined }[],
  taskId: string,
  dependsOn: readonly string[],
): string[] {
  const taken = new Set(dependsOn);
  const after = downstreamOf(tasks, taskId);
  return tasks.map((t) => t.task_id).filter((t) => t !== taskId && !taken.has(t) && !after.has(t));
}

/** Every task that waits for `taskId`, directly or through other tasks. */
export function downstreamOf(
  tasks: readonly { task_id: string; depends_on?: readonly string[] | undefined }[],
  taskId: string,
): Set<string> {
  const waiting = new Map<string, string[]>();
  for (const t of tasks)
    for (const d of t.depends_on ?? []) {
      const list = waiting.get(d);
      if (list) list.push(t.task_id);
      else waiting.set(d, [t.task_id]);
    }
  const seen = new Set<string>();
  const queue = [taskId];
  while (queue.length > 0) {
    for (const next of waiting.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Up to `limit` of the ids that contain the text typed (any case), those that start with it first. */
export function matchingIds(ids: readonly string[], text: string, limit = 50): string[] {
  const q = text.trim().toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const id of ids) {
    const i = id.toLowerCase().indexOf(q);
    if (i === 0) starts.push(id);
    else if (i > 0) contains.push(id);
    if (starts.length >= limit) break;
  }
  return [...starts, ...contains].slice(0, limit);
}

/**
 * What the plan's checks say about a task's condition, in words for its section: a
 * dependency left with no status says which, anything else is named as the section's.
 */
export function conditionProblems(checks: readonly Check[], index: number): string | null {
  const base = `tasks[${index}].condition`;
  return (
    checksAt(checks, base)
      .map((c) => {
        const dep = /^\.dependencies\.([^[]+)$/.exec(c.path!.slice(base.length))?.[1];
        return dep && plainMessage(c.message) === 'needs at least one'
          ? `Choose at least one status for ${dep}`
          : fieldMessage('Run only when', c.message);
      })
      .join('; ') || null
  );
}
