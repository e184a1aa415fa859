import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskStatus } from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';

const DONE_ONLY: readonly TaskStatus[] = ['done'];

export type DependentVerdict =
  | { kind: 'wait'; reason: string }
  | { kind: 'ready' }
  | { kind: 'skip'; reason: string };

/**
 * Decides what a task's dependencies allow: wait for the ones still going, skip when one
 * ended in a status its condition does not accept (by default anything but `done`) or the
 * output condition is false, else ready. Skips as soon as the outcome is certain.
 */
export function decideDependent(
  spec: Pick<TaskSpec, 'depends_on' | 'condition'>,
  statusOf: (taskId: string) => TaskStatus,
  outputOf: (taskId: string) => unknown,
): DependentVerdict {
  const waiting: string[] = [];
  for (const dep of spec.depends_on) {
    const status = statusOf(dep);
    if (!isTerminalTaskStatus(status)) {
      waiting.push(dep);
      continue;
    }
    const allowed: readonly TaskStatus[] = spec.condition?.dependencies?.[dep] ?? DONE_ONLY;
    if (!allowed.includes(status)) {
      return {
        kind: 'skip',
        reason: spec.condition?.dependencies?.[dep]
          ? `condition not met: dependency "${dep}" ended ${status}, wanted ${allowed.join(' or ')}`
          : `dependency "${dep}" ${status === 'unassigned' ? 'is unassigned' : `ended ${status}`}`,
      };
    }
  }
  if (waiting.length > 0) return { kind: 'wait', reason: `waiting for ${waiting.join(', ')}` };
  const oc = spec.condition?.output;
  if (oc && !outputMatches(outputOf(oc.task_id), oc)) {
    return {
      kind: 'skip',
      reason: `condition not met: output of "${oc.task_id}"${oc.path ? ` at ${oc.path}` : ''} ${describe(oc)}`,
    };
  }
  return { kind: 'ready' };
}

interface OutputCondition {
  path: string;
  equals?: unknown;
  matches?: string | undefined;
  exists?: boolean | undefined;
}

function outputMatches(output: unknown, c: OutputCondition): boolean {
  const value = valueAt(output, c.path);
  if (c.exists !== undefined && (value !== undefined) !== c.exists) return false;
  if (c.equals !== undefined && !deepEqual(value, c.equals)) return false;
  if (c.matches !== undefined) {
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    if (!new RegExp(c.matches).test(text)) return false;
  }
  return true;
}

function valueAt(root: unknown, path: string): unknown {
  if (path === '') return root;
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(c: OutputCondition): string {
  const parts: string[] = [];
  if (c.exists !== undefined) parts.push(c.exists ? 'does not exist' : 'exists');
  if (c.equals !== undefined) parts.push(`does not equal ${JSON.stringify(c.equals)}`);
  if (c.matches !== undefined) parts.push(`does not match /${c.matches}/`);
  return parts.join(' or ');
}
