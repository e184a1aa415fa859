import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { RunsRepo } from '../store/runs-repo.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { KindTraits } from './kind-traits.ts';
import type { WinCount } from './matching.ts';

/** Where an agent's best-of candidacies and wins per skill are read (the coding wing's `skillRecords`). */
export interface SkillWinsSource {
  winsOf(agentId: string): ReadonlyMap<string, WinCount>;
  /** Changes whenever what `winsOf` answers may have (absent: read again after every attempt). */
  generation?(): number;
}

/** Outcomes kept per agent for its success rate. */
const WINDOW = 20;
const DAY_MS = 86_400_000;

interface Window {
  /** true = done, newest last. */
  list: boolean[];
  ok: number;
  /** How long its last done attempts took, ms, newest last; their sum. */
  durations: number[];
  durationSum: number;
}

/**
 * Each agent's recent record for matching (`matching.ts`): the outcomes of its last 20
 * attempts, seeded from the store's last day (at most 10 done and 10 failed), so a restart
 * keeps its record; how long its last 20 done attempts took (seeded with the day's average);
 * and its best-of candidacies and wins per skill, read from the store when first needed and
 * again after any attempt ended (a best-of attempt records its candidates before it ends).
 */
/** How long wins read from the store are kept before they are read again, whatever this process wrote. */
const WINS_FRESH_MS = 60_000;

export class AgentOutcomes {
  private readonly windows = new Map<string, Window>();
  private readonly runs: Pick<RunsRepo, 'agentStats'>;
  private readonly clock: Clock;
  private readonly wins: SkillWinsSource | undefined;
  private readonly winsByAgent = new Map<string, ReadonlyMap<string, WinCount>>();
  private winsGeneration: number | null = null;
  /** When the wins held were first read: read again after a minute (another Baton on the same data may have written some). */
  private winsReadAt = 0;

  constructor(runs: Pick<RunsRepo, 'agentStats'>, clock: Clock, wins?: SkillWinsSource) {
    this.runs = runs;
    this.clock = clock;
    this.wins = wins;
  }

  /**
   * The agent's candidacies and wins summed over the distinct `skills` (a candidacy of a task
   * needing two of them counts for each); null when it has none or nothing is read.
   */
  skillWins(agentId: string, skills: readonly string[]): WinCount | null {
    if (!this.wins || skills.length === 0) return null;
    const gen = this.wins.generation?.();
    const now = this.clock.now();
    if ((gen !== undefined && gen !== this.winsGeneration) || now - this.winsReadAt > WINS_FRESH_MS) {
      this.winsByAgent.clear();
      this.winsGeneration = gen ?? null;
      this.winsReadAt = now;
    }
    let bySkill = this.winsByAgent.get(agentId);
    if (!bySkill) {
      bySkill = this.wins.winsOf(agentId);
      this.winsByAgent.set(agentId, bySkill);
    }
    if (bySkill.size === 0) return null;
    const sum: WinCount = { wins: 0, candidacies: 0, expected: 0 };
    skills.forEach((skill, i) => {
      const c = skills.indexOf(skill) === i ? bySkill.get(skill) : undefined;
      if (!c) return;
      sum.wins += c.wins;
      sum.candidacies += c.candidacies;
      sum.expected += c.expected;
    });
    return sum.candidacies === 0 ? null : sum;
  }

  /** An attempt ended; `durationMs` is how long a done one took (failures say nothing of speed). */
  record(agentId: string | null, ok: boolean, durationMs: number | null = null): void {
    if (!agentId) return;
    // A best-of attempt's candidates may be other agents: every agent's wins are read again
    // (with a generation, only once candidates were written: `skillWins`).
    if (!this.wins?.generation) this.winsByAgent.clear();
    const w = this.window(agentId);
    w.list.push(ok);
    if (ok) w.ok++;
    if (w.list.length > WINDOW && w.list.shift()) w.ok--;
    if (ok && durationMs !== null && Number.isFinite(durationMs)) {
      const ms = Math.max(0, durationMs);
      w.durations.push(ms);
      w.durationSum += ms;
      if (w.durations.length > WINDOW) w.durationSum -= w.durations.shift()!;
    }
  }

  /** The average duration of its recent done attempts, ms; null when none is known. */
  averageMs(agentId: string): number | null {
    const w = this.window(agentId);
    return w.durations.length === 0 ? null : w.durationSum / w.durations.length;
  }

  /** (successes + 1) / (attempts + 2) over the window. */
  successRate(agentId: string): number {
    const w = this.window(agentId);
    return (w.ok + 1) / (w.list.length + 2);
  }

  private window(agentId: string): Window {
    let w = this.windows.get(agentId);
    if (!w) {
      const since = new Date(this.clock.now() - DAY_MS).toISOString();
      const s = this.runs.agentStats(agentId, since, '9999');
      const done = Math.min(s.completed, WINDOW / 2);
      const failed = Math.min(s.failed, WINDOW / 2);
      const avg = s.average_completion_time;
      w = {
        list: [...Array<boolean>(done).fill(true), ...Array<boolean>(failed).fill(false)],
        ok: done,
        durations: avg === null ? [] : [avg * 1000],
        durationSum: avg === null ? 0 : avg * 1000,
      };
      this.windows.set(agentId, w);
    }
    return w;
  }
}

/**
 * How long an attempt that started at `startedAt` and ended at `endMs` waited for a person
 * (`approvals`: its task's): the tool calls and merge conflicts it asked about, and a diff review
 * after it. The agent's time leaves it out, here and in the store's statistics (`agentStats`).
 */
export function personWaitMs(approvals: readonly Approval[], startedAt: string, endMs: number): number {
  const start = Date.parse(startedAt);
  let waited = 0;
  for (const a of approvals) {
    if (a.kind !== 'tool_call' && a.kind !== 'merge_conflict' && a.kind !== 'diff_review') continue;
    const asked = Date.parse(a.requested_at);
    if (!(asked >= start && asked < endMs)) continue;
    const answered = a.decided_at === null ? endMs : Math.min(Date.parse(a.decided_at), endMs);
    waited += Math.max(0, answered - asked);
  }
  return waited;
}

/** The last ISO time read, as ms: the tasks a tick ends mostly started together, at one time. */
let lastIso = '';
let lastMs = Number.NaN;
function msOf(iso: string): number {
  if (iso !== lastIso) {
    lastIso = iso;
    lastMs = Date.parse(iso);
  }
  return lastMs;
}

/** How long `agent` worked on the task's attempt ending at `now`: since it started, less a person's waits inside it. */
export function workedMs(store: Store, task: TaskRun, kind: KindTraits | undefined, now: number): number {
  if (!task.started_at) return Number.NaN;
  const whole = now - msOf(task.started_at);
  // Only agents that think in turns ask a person inside an attempt (a tool call, a merge conflict).
  if (!kind?.thinksInTurns) return whole;
  return whole - personWaitMs(store.approvals.forTask(task.run_id, task.task_id), task.started_at, now);
}
