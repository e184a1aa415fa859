import type { CodingStore } from '../../src-main/agents/coding/repos/coding-store.ts';
import type { BestOfCandidate } from '../../src-shared/schemas/best-of.ts';
import type { CheckStatus } from '../../src-shared/schemas/plain/checks.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';

/**
 * Past work written into a real store as the engine and the coding wing write it (task rows,
 * replaced attempts, `check` steps, best-of candidates), so what agents' skill records count
 * can be tested without running coding CLIs. Times are seconds after a fixed minute.
 */

/** One candidate of a best-of attempt. */
export interface CandidateWork {
  agent: string;
  /** How many of its checks passed on its last round, of how many. */
  checks: [passed: number, total: number];
  /** Fix rounds it used (its check steps run rounds 0..rounds). */
  rounds?: number;
  winner?: boolean;
}

/** One attempt of a task: by one agent with its checks' rounds, or by several candidates. */
export interface AttemptWork {
  agent: string;
  outcome: 'done' | 'failed' | 'in_progress';
  /** Each round's check statuses, round 0 first (none: no checks ran). */
  rounds?: CheckStatus[][];
  candidates?: CandidateWork[];
  /** Started this many seconds after the fixed minute (default 0). */
  at?: number;
}

export interface TaskWork {
  task_id: string;
  required_skills: string[];
  /** Its attempts in order: the last is the task's row, the others were replaced by a retry. */
  attempts: AttemptWork[];
}

export const HISTORY_AT = (s: number) =>
  new Date(Date.parse('2026-11-20T10:00:00.000Z') + s * 1000).toISOString();

/** Writes plan `planId` (its tasks' skills) and one run `runId` of it with these tasks' attempts. */
export function seedSkillHistory(store: CodingStore, planId: string, runId: string, tasks: TaskWork[]): void {
  const plan = planSchema.parse({
    plan_id: planId,
    name: planId,
    tasks: tasks.map((t) => ({
      task_id: t.task_id,
      description: t.task_id,
      required_skills: t.required_skills,
    })),
  });
  store.tx(() => {
    const version = store.plans.save(plan, HISTORY_AT(0)).version;
    const rows = tasks.map((t) => taskRow(runId, t));
    store.runs.insertRun(
      {
        id: runId,
        plan_id: planId,
        plan_version: version,
        started_by: 'ana',
        project_id: null,
        status: 'completed',
        memory_id: `mem-${runId}`,
        created_at: HISTORY_AT(0),
        lease_owner: 'seed',
        lease_expires_at: 0,
      },
      rows,
    );
    for (const t of tasks)
      t.attempts.forEach((a, i) => {
        const attempt = i + 1;
        const started = HISTORY_AT(a.at ?? 0);
        if (attempt < t.attempts.length)
          store.execution.addAttempt({
            run_id: runId,
            task_id: t.task_id,
            attempt,
            agent_id: a.agent,
            started_at: started,
            finished_at: HISTORY_AT((a.at ?? 0) + 5),
            outcome: a.outcome === 'done' ? 'done' : 'failed',
            error: a.outcome === 'done' ? null : 'checks failed',
          });
        const owner = { run_id: runId, task_id: t.task_id, attempt, agent_id: a.agent };
        store.steps.upsertOf(owner, stepsOf(a));
        if (a.candidates)
          store.bestOf.save(runId, t.task_id, attempt, {
            winner: a.candidates.findIndex((c) => c.winner) + 1,
            judge: null,
            candidates: a.candidates.map((c, k) => candidate(runId, t.task_id, k + 1, c)),
          });
      });
  });
}

function taskRow(runId: string, t: TaskWork): TaskRun {
  const last = t.attempts.at(-1)!;
  const at = last.at ?? 0;
  return {
    run_id: runId,
    task_id: t.task_id,
    status: last.outcome,
    agent_id: last.agent,
    delegation_task_id: null,
    attempt: t.attempts.length,
    reason: null,
    match: null,
    output: null,
    error: last.outcome === 'failed' ? 'checks failed' : null,
    started_at: HISTORY_AT(at),
    finished_at: last.outcome === 'in_progress' ? null : HISTORY_AT(at + 5),
    updated_at: HISTORY_AT(at + 5),
    progress: null,
    progress_message: null,
    retry_at: null,
    cost: 0,
    cost_unknown: 0,
  };
}

/** The check steps of an attempt (its own rounds, or each candidate's), as the fix loop records them. */
function stepsOf(a: AttemptWork): Step[] {
  const steps: Step[] = [];
  const check = (status: CheckStatus, name: string, round: number, candidate?: number): Step => ({
    seq: steps.length,
    at: HISTORY_AT(a.at ?? 0),
    kind: 'check',
    ...(candidate !== undefined && { candidate }),
    check: {
      name,
      status,
      exit_code: status === 'passed' ? 0 : 1,
      duration_ms: 10,
      output_tail: '',
      output_bytes: 0,
      tests: null,
      round,
    },
  });
  a.rounds?.forEach((statuses, round) => {
    statuses.forEach((s, i) => {
      steps.push(check(s, `check${i}`, round));
    });
  });
  a.candidates?.forEach((c, k) => {
    const rounds = c.rounds ?? 0;
    for (let round = 0; round <= rounds && c.checks[1] > 0; round++)
      for (let i = 0; i < c.checks[1]; i++)
        steps.push(
          check(round < rounds || i >= c.checks[0] ? 'failed' : 'passed', `check${i}`, round, k + 1),
        );
  });
  return steps;
}

function candidate(runId: string, taskId: string, n: number, c: CandidateWork): BestOfCandidate {
  const [passed, total] = c.checks;
  return {
    candidate: n,
    agent_id: c.agent,
    branch: `baton/${runId}/${taskId}-c${n}`,
    commit: 'abc1234',
    start_commit: 'abc0000',
    status: total > 0 && passed === total ? 'passed' : 'checks_failed',
    checks_passed: passed,
    checks_total: total,
    checks_line: '',
    cost_usd: 0.01,
    duration_ms: 1000,
    diff_lines: 2,
    files: 1,
    additions: 1,
    deletions: 1,
    summary: '',
    rank: c.winner ? 1 : 2,
    reason: c.winner ? 'ranked first' : 'ranked lower',
  };
}
