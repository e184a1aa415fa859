/**
 * Wall time one tick may take, its writes, its commit and the attempts it starts included,
 * before it leaves the rest to the next tick, which is asked for at once. The engine runs on
 * the thread that answers the host's calls (and, in the desktop app, the window's): between two
 * ticks every call and report that waits goes in. Two clients starting 1,000-task runs put ~500
 * results and ~500 starts in one tick: 60–230 ms on a loaded 2-core machine, and every request
 * waited that long. A tick of a width-100 DAG on a quiet machine takes ~3 ms, so the budget
 * leaves it whole (one commit per tick is what makes the engine fast: docs/speed.md).
 */
export const TICK_TIME_MS = 10;

/** What a unit of a tick's work (an input applied, a task assigned and started) is taken to cost before any tick was timed. */
const FIRST_MS_PER_UNIT = 0.05;
/** How much the last tick's cost moves the estimate (the rest is the ticks before). */
const WEIGHT_OF_LAST = 0.3;
/**
 * Ticks with fewer units than this (or than the budget's, when smaller) say more about a tick's
 * fixed costs than about a unit's.
 */
const UNITS_TO_LEARN = 16;

/**
 * How much work a tick takes on (`TICK_TIME_MS`). Most of a tick's cost comes after the work is
 * decided (the rows written, the commit, the attempts started), so the budget is counted in
 * units, each input applied and each task assigned, and how many fit is learnt from the ticks
 * before: their wall time ÷ their units, a moving average. A loaded machine makes every unit
 * dearer and the ticks smaller. A tick always takes one unit of each kind (an input, a task, a
 * build log) before it looks at the budget, so the engine moves on however small it is.
 */
export class TickBudget {
  private readonly limitMs: number;
  private readonly now: () => number;
  private msPerUnit = FIRST_MS_PER_UNIT;
  private cap = 1;
  private units = 0;
  private startedAt = 0;

  constructor(limitMs = TICK_TIME_MS, now: () => number = () => performance.now()) {
    this.limitMs = limitMs;
    this.now = now;
  }

  /**
   * A new tick: the whole budget again, less `spentMs` already taken on the same turn (a run's
   * launch before its first tick: the two hold the thread as one). What is left never falls
   * below `UNITS_TO_LEARN` units, so a small run's first tick still delegates all its ready
   * tasks however slow the machine is.
   */
  renew(spentMs = 0): void {
    this.units = 0;
    const whole = Math.floor(this.limitMs / this.msPerUnit);
    const left = Math.floor((this.limitMs - spentMs) / this.msPerUnit);
    this.cap = Math.max(1, spentMs > 0 ? Math.max(left, Math.min(UNITS_TO_LEARN, whole)) : whole);
    // What a unit costs is learnt from the tick's own time: a launch's is not its units'.
    this.startedAt = this.now();
  }

  /** One unit of work taken on. */
  use(): void {
    this.units++;
  }

  /** The tick has taken on what fits: what is left waits for the next one. */
  get spent(): boolean {
    return this.units >= this.cap;
  }

  /** How many units the current tick may take on. */
  get fits(): number {
    return this.cap;
  }

  /** The tick is over (its commit and starts done): what its units cost is learnt. */
  end(): void {
    if (this.units < Math.min(UNITS_TO_LEARN, this.cap)) return;
    const perUnit = (this.now() - this.startedAt) / this.units;
    this.msPerUnit = this.msPerUnit * (1 - WEIGHT_OF_LAST) + perUnit * WEIGHT_OF_LAST;
  }
}
