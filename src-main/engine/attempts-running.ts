interface RunAttempts {
  /** How many attempts of each task run here (a new attempt may start while the last one stops). */
  tasks: Map<string, number>;
  /** Who waits for a task's attempts to stop, by task; made only when someone waits. */
  taskWaiters: Map<string, (() => void)[]> | null;
  /** Who waits for all of the run's attempts to stop. */
  runWaiters: (() => void)[] | null;
}

/**
 * The attempts whose executors run here, by run and task, until they have stopped (their
 * processes gone): a kind's end hooks wait for it (`TaskEnded.stopped`, `RunEnded.stopped`). Counts, not
 * promises: a run of 10,000 echo tasks pays one map entry per attempt, and only a caller that
 * waits gets a promise.
 */
export class AttemptsRunning {
  private readonly runs = new Map<string, RunAttempts>();
  /** Who waits for no attempt at all to run here (`allStopped`). */
  private idleWaiters: (() => void)[] = [];

  /** An attempt's executor starts. */
  began(runId: string, taskId: string): void {
    let run = this.runs.get(runId);
    if (!run) {
      run = { tasks: new Map(), taskWaiters: null, runWaiters: null };
      this.runs.set(runId, run);
    }
    run.tasks.set(taskId, (run.tasks.get(taskId) ?? 0) + 1);
  }

  /** An attempt's executor has stopped. */
  ended(runId: string, taskId: string): void {
    const run = this.runs.get(runId);
    const n = run?.tasks.get(taskId);
    if (!run || n === undefined) return;
    if (n > 1) {
      run.tasks.set(taskId, n - 1);
      return;
    }
    run.tasks.delete(taskId);
    const waiting = run.taskWaiters?.get(taskId);
    if (waiting) {
      run.taskWaiters!.delete(taskId);
      for (const wake of waiting) wake();
    }
    if (run.tasks.size > 0) return;
    this.runs.delete(runId);
    for (const wake of run.runWaiters ?? []) wake();
    if (this.runs.size > 0 || this.idleWaiters.length === 0) return;
    const idle = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of idle) wake();
  }

  /** Resolves once no attempt of the task runs here (one that began meanwhile is waited for too). */
  async taskStopped(runId: string, taskId: string): Promise<void> {
    for (let run = this.runs.get(runId); run?.tasks.has(taskId); run = this.runs.get(runId)) {
      run.taskWaiters ??= new Map();
      const waiters = run.taskWaiters;
      await new Promise<void>((wake) => {
        const list = waiters.get(taskId);
        if (list) list.push(wake);
        else waiters.set(taskId, [wake]);
      });
    }
  }

  /** Resolves once no attempt of the run runs here. */
  async runStopped(runId: string): Promise<void> {
    for (let run = this.runs.get(runId); run; run = this.runs.get(runId)) {
      run.runWaiters ??= [];
      const waiters = run.runWaiters;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  }

  /** Resolves once no attempt of any run runs here (the engine's close waits for it). */
  async allStopped(): Promise<void> {
    while (this.runs.size > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake));
  }
}
