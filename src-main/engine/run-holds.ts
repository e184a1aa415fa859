import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Run, TaskRun } from '../../src-shared/schemas/run.ts';
import { BackgroundWork } from '../base/background.ts';
import type { BudgetLedger } from './budget.ts';
import type { ActiveRun, InFlight } from './run-state.ts';
import { snapshot, stopFlight } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import type { AttemptEnded } from './tick-inputs.ts';

/**
 * What the runs executed here hold, taken and let go: an attempt holds its agent (one more
 * task in its load), its cost in the budget in flight and, when run here, a place under the
 * global limit; a run holds its attempts' flights, its timers, its place in the queue and its
 * lease. `drop` lets go of all of it when a run stops going on here (it ended, or another
 * process took it over).
 */
export class RunHolds {
  private readonly rt: Runtime;
  private readonly budget: BudgetLedger;
  /** Telling whoever waits for a run that it ended, after the turn that stored it. */
  private readonly telling: BackgroundWork;

  constructor(rt: Runtime, budget: BudgetLedger) {
    this.rt = rt;
    this.budget = budget;
    this.telling = new BackgroundWork('telling who waits for a run', rt.log);
  }

  /**
   * The attempt holds `agent`: one more task in its load, and its cost in the budget in flight,
   * recorded as taken (`release` gives back the same).
   */
  hold(run: ActiveRun, task: TaskRun, agent: Agent): void {
    const load = this.rt.load;
    load.set(agent.id, (load.get(agent.id) ?? 0) + 1);
    const cost = this.budget.costOf(run.specs.get(task.task_id)!, agent);
    this.budget.commit(run, cost);
    run.held.set(task.task_id, { agentId: agent.id, cost, here: false });
  }

  /** The attempt `hold` took runs here: it takes a place under the global limit too. */
  holdHere(run: ActiveRun, task: TaskRun): void {
    const held = run.held.get(task.task_id);
    if (held) held.here = true;
    this.rt.inFlight++;
  }

  /** The attempt no longer holds what it took: its agent, its cost in flight, its place under the global limit. */
  release(run: ActiveRun, task: TaskRun): void {
    // A run no longer active here gave back what it held as it stopped (`deactivate`): a handler
    // holding it still (lost as its transaction began) gives nothing back twice.
    if (this.rt.active.get(run.id) !== run) return;
    const held = run.held.get(task.task_id);
    // Given back already (each attempt gives back once).
    if (!held) return;
    run.held.delete(task.task_id);
    const load = this.rt.load;
    if (held.here) this.rt.inFlight--;
    load.set(held.agentId, Math.max(0, (load.get(held.agentId) ?? 1) - 1));
    this.budget.commit(run, -held.cost);
  }

  /**
   * An attempt ended by itself (its agent answered, or its timeout passed): its flight settles,
   * once — its timeout is cleared, the run no longer counts it in flight — and `end` waits in the
   * inbox for the next tick to apply (`TaskFlow.complete`).
   */
  settle(run: ActiveRun, flight: InFlight, end: AttemptEnded): void {
    if (flight.settled) return;
    flight.settled = true;
    if (flight.timer) clearTimeout(flight.timer);
    if (run.inflight.get(end.taskId) === flight) run.inflight.delete(end.taskId);
    this.rt.inbox.push(end);
    this.rt.schedule();
  }

  /**
   * A pull agent (a person or daemon) works on the task's current attempt elsewhere. Nothing
   * here can stop that work, but its timeout still holds: once it passes, the attempt fails as
   * one run here does (`Attempts.start`), and is retried if the task allows.
   */
  holdPulled(run: ActiveRun, task: TaskRun): void {
    const flight: InFlight = { ac: null, timer: null, settled: false };
    run.inflight.set(task.task_id, flight);
    const seconds = run.specs.get(task.task_id)!.timeout_s;
    if (seconds === undefined) return;
    const attempt = task.attempt;
    // Counted from when the attempt started: a restart does not give it more time.
    const started = task.started_at ? Date.parse(task.started_at) : this.rt.clock.now();
    const wait = Math.max(0, started + seconds * 1000 - this.rt.clock.now());
    flight.timer = setTimeout(() => {
      const end: AttemptEnded = {
        kind: 'attempt.ended',
        runId: run.id,
        taskId: task.task_id,
        attempt,
        ok: false,
        error: `timed out after ${seconds} s`,
      };
      this.settle(run, flight, end);
    }, wait);
    // Nobody here works on it: the timeout alone keeps no process alive (a restart re-arms it).
    flight.timer.unref();
  }

  /**
   * The run stops going on here (it ended, or another process took it over): everything it has
   * going is stopped, and whoever waits for it gets its row once the transaction commits: a run
   * that ended here, `fallback` (what that transaction stored: counting 100,000 task rows again
   * would take milliseconds); one another process took over, its row as the store has it now.
   */
  drop(run: ActiveRun, fallback: Run): void {
    const rt = this.rt;
    this.deactivate(run);
    rt.active.delete(run.id);
    const tell = () => {
      const waiters = rt.waiters.get(run.id) ?? [];
      rt.waiters.delete(run.id);
      if (waiters.length > 0) {
        setImmediate(() =>
          this.telling.run(() => {
            const stored = run.lost ? rt.store.runs.get(run.id) : undefined;
            const settled = stored ?? { ...fallback, counts: { ...fallback.counts } };
            for (const w of waiters) w(settled);
          }),
        );
      }
    };
    // Whoever waits is told once the run's end is stored (if that write fails, the run is
    // reloaded and they go on waiting, or told by `elsewhere`).
    this.whenStored(run, tell);
  }

  /**
   * A run reloaded after a write that failed, and not taken up again here (another process
   * took it over, or ended it): whoever waits for it gets its row as the store has it now.
   */
  elsewhere(runId: string): void {
    const rt = this.rt;
    const waiters = rt.waiters.get(runId) ?? [];
    rt.waiters.delete(runId);
    const stored = waiters.length > 0 ? rt.store.runs.get(runId) : undefined;
    if (!stored) return;
    setImmediate(() =>
      this.telling.run(() => {
        for (const w of waiters) w(stored);
      }),
    );
  }

  /** Another process took the run over (its lease was lost): nothing here may change it again. */
  lose(run: ActiveRun): void {
    // Whoever waits for it learns it goes on elsewhere.
    run.lost = true;
    this.drop(run, snapshot(run));
  }

  /** Stops everything the run has going here (agents, timers, queued tasks) and gives up its lease. */
  deactivate(run: ActiveRun): void {
    // Agents stop once the run's end is stored.
    for (const flight of run.inflight.values())
      stopFlight(flight, 'run ended', (stop) => this.stopWhenStored(run, stop));
    // What every attempt holds, its flight there or not (assigned in a tick whose attempts never
    // started, or ended with its end still waiting for a tick): given back as it was taken.
    for (const taskId of [...run.held.keys()]) this.release(run, run.tasks.get(taskId)!);
    run.inflight.clear();
    for (const t of run.retryTimers.values()) clearTimeout(t);
    run.retryTimers.clear();
    if (run.buildLog.timer) clearTimeout(run.buildLog.timer);
    this.rt.queue.removeRun(run.id);
    this.rt.store.runs.dropLease(run.id, this.rt.config.owner, this.rt.clock.now());
  }

  /** An agent of the run stops at once if another process took the run, else when the transaction ends. */
  stopWhenStored(run: ActiveRun, stop: () => void): void {
    if (run.lost) stop();
    else this.rt.effects.stopAfter(stop);
  }

  /**
   * Does `act` once what the current transaction did to the run is stored; on a run another
   * process took, at once (it goes on there whatever this process stores).
   */
  private whenStored(run: ActiveRun, act: () => void): void {
    if (run.lost) act();
    else this.rt.effects.afterCommit(act);
  }
}
