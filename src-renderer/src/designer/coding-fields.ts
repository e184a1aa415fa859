import type { TaskDraft } from './plan-edit.ts';

/** Pure helpers behind a coding task's fields in the designer: its checks, best of N, and its summary. */

/**
 * The checks a task runs after a toggle of one: every one of the workspace's is the field left out
 * (all of them, the default, also those added later); none is `[]`; otherwise the names chosen,
 * in the workspace's order, and any the task names that the workspace lacks kept at the end (a
 * plan never changes by being shown).
 */
export function toggledChecks(
  current: readonly string[] | undefined,
  all: readonly string[],
  name: string,
  on: boolean,
): string[] | undefined {
  const chosen = new Set(current ?? all);
  if (on) chosen.add(name);
  else chosen.delete(name);
  const unknown = [...chosen].filter((c) => !all.includes(c));
  if (unknown.length === 0 && all.length > 0 && all.every((c) => chosen.has(c))) return undefined;
  return [...all.filter((c) => chosen.has(c)), ...unknown];
}

/** The candidates' agents after a toggle of one, in the order agents are listed; none chosen is the field left out. */
export function toggledCandidates(
  current: readonly string[] | undefined,
  agents: readonly string[],
  id: string,
  on: boolean,
): string[] | undefined {
  const chosen = new Set(current ?? []);
  if (on) chosen.add(id);
  else chosen.delete(id);
  const next = [...agents.filter((a) => chosen.has(a)), ...[...chosen].filter((a) => !agents.includes(a))];
  return next.length > 0 ? next : undefined;
}

/**
 * Best of N set to `n`: one attempt (blank or 1) drops the candidates and the judge with it (they
 * are refused on a task with one attempt).
 */
export function withAttempts(n: number | undefined): Partial<TaskDraft> {
  if (n === undefined || n === 1) return { attempts: n, candidates: undefined, judge: undefined };
  return { attempts: n };
}

/** Which agents candidate 1..N get: the chosen ones in turn, else the task's matched agent each time. */
export function candidateCycle(n: number, candidates: readonly string[] | undefined): string {
  if (!candidates || candidates.length === 0)
    return `All ${n} run the agent the task is given (by its skills, or the one pinned); choose agents to mix them`;
  const seq = Array.from({ length: n }, (_, i) => candidates[i % candidates.length]!);
  return seq.map((a, i) => `#${i + 1} ${a}`).join(', ');
}

/** A coding task's section summary: where, best of N, its checks. */
export function codingSummary(task: TaskDraft, planWorkspace: string | undefined, coding: boolean): string {
  const where = task.workspace
    ? `in ${task.workspace}`
    : planWorkspace
      ? `in ${planWorkspace} (the plan's)`
      : coding
        ? 'needs a workspace'
        : 'for coding agents';
  const parts = [where];
  if ((task.attempts ?? 1) > 1) parts.push(`best of ${task.attempts}`);
  if (task.checks !== undefined)
    parts.push(task.checks.length === 0 ? 'no checks' : `checks ${task.checks.join(', ')}`);
  return parts.join(' · ');
}
