import type { RunsRepo } from '../store/runs-repo.ts';
import type { Clock } from './clock.ts';

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
 * keeps its record; and how long its last 20 done attempts took (seeded with the day's average).
 */
export class AgentOutcomes {
  private readonly windows = new Map<string, Window>();
  private readonly runs: Pick<RunsRepo, 'agentStats'>;
  private readonly clock: Clock;

  constructor(runs: Pick<RunsRepo, 'agentStats'>, clock: Clock) {
    this.runs = runs;
    this.clock = clock;
  }

  /** An attempt ended; `durationMs` is how long a done one took (failures say nothing of speed). */
  record(agentId: string | null, ok: boolean, durationMs: number | null = null): void {
    if (!agentId) return;
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
