import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { BackgroundWork } from '../base/background.ts';
import { nextTurn } from '../base/turns.ts';
import { writeFreshFileSync } from '../files/fresh-file.ts';
import type { SecretResolver } from '../secrets/secrets.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/private-files.ts';
import { stepRowProblem } from '../store/steps-repo.ts';
import type { Store } from '../store/store.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { AttemptAsks } from './approvals/asks.ts';
import { AttemptHosts } from './approvals/sandbox-hosts.ts';
import { attemptWorkspace } from './attempt-leftovers.ts';
import type { BudgetLedger } from './budget.ts';
import { believedUsd, withBelievedCost } from './budget.ts';
import { budgetRule } from './budget-rule.ts';
import type { Executor, MemoryFindings, TaskContext } from './executor.ts';
import { CANCELLED, UsageLimited } from './executor.ts';
import type { KindHooks } from './kind-hooks.ts';
import type { RunHolds } from './run-holds.ts';
import type { ActiveRun, InFlight } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { AttemptEnded, ExecutorNote } from './tick-inputs.ts';

/** A file a person or daemon hands in with a finished task. */
export interface HandedFile {
  name: string;
  content: string;
  encoding: 'utf8' | 'base64';
}

/** Told when an attempt this process ran has stopped, its steps all stored. */
export type AttemptEndedHook = (a: {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string | null;
}) => void;

/**
 * Attempts and what they report. `start` runs an attempt on this process's executor after the
 * tick that assigned it commits; its events land in the inbox (`Inbox`) and the next tick
 * applies them: progress, logs, artifacts and usage here, the end in `TaskFlow.complete`.
 */
export class Attempts {
  private readonly rt: Runtime;
  private readonly writer: RunWriter;
  private readonly holds: RunHolds;
  /** Where its attempts wait for people (absent: nobody can be asked, a tool needing it is denied). */
  private readonly asks: AttemptAsks | undefined;
  private readonly ended: AttemptEndedHook | undefined;
  private readonly secrets: SecretResolver;
  private readonly budget: BudgetLedger;
  private readonly hooks: KindHooks;
  private readonly agents: AgentDirectory;
  /** What goes wrong around an attempt that failing it did not take up (the `ended` hook, a bug). */
  private readonly around: BackgroundWork;

  constructor(
    rt: Runtime,
    parts: {
      writer: RunWriter;
      holds: RunHolds;
      asks?: AttemptAsks;
      ended?: AttemptEndedHook;
      budget: BudgetLedger;
      hooks: KindHooks;
      agents: AgentDirectory;
    },
    secrets: SecretResolver,
  ) {
    this.ended = parts.ended;
    this.rt = rt;
    this.writer = parts.writer;
    this.holds = parts.holds;
    this.asks = parts.asks;
    this.budget = parts.budget;
    this.hooks = parts.hooks;
    this.agents = parts.agents;
    this.secrets = secrets;
    this.around = new BackgroundWork('an attempt', rt.log);
  }

  /**
   * Runs an attempt; resolves once its executor has stopped (known to the runtime until then).
   * Never rejects: it runs in the background of the tick that started it.
   */
  start(run: ActiveRun, task: TaskRun, agent: Agent, executor: Executor): Promise<void> {
    this.rt.attempts.began(run.id, task.task_id);
    return this.run(run, task, agent, executor);
  }

  /** The attempt's executor has stopped: the runtime and the `ended` hook (trace export) hear it. */
  private stopped(at: { run_id: string; task_id: string; attempt: number; agent_id: string | null }): void {
    try {
      this.rt.messages.ended(at.run_id, at.task_id, at.attempt);
      this.rt.turns.ended(at.run_id, at.task_id, at.attempt, this.rt.closed);
      this.rt.attempts.ended(at.run_id, at.task_id);
      const ended = this.ended;
      if (ended) this.around.run(() => ended(at));
    } catch (err) {
      this.around.failed(err);
    }
  }

  private async run(run: ActiveRun, task: TaskRun, agent: Agent, executor: Executor): Promise<void> {
    const at = { run_id: run.id, task_id: task.task_id, attempt: task.attempt, agent_id: task.agent_id };
    try {
      const spec = run.specs.get(task.task_id)!;
      const attempt = task.attempt;
      const ac = new AbortController();
      const flight: InFlight = { ac, timer: null, settled: false };
      run.inflight.set(task.task_id, flight);
      const settle = (c: Omit<AttemptEnded, 'kind' | 'runId' | 'taskId' | 'attempt'>) =>
        this.holds.settle(run, flight, {
          kind: 'attempt.ended',
          runId: run.id,
          taskId: task.task_id,
          attempt,
          ...c,
        });
      // Whatever fails from here on (the attempt's folder, its context read from the store, its
      // agent) fails the attempt, which the task's retries then take up.
      try {
        if (spec.timeout_s !== undefined) {
          const seconds = spec.timeout_s;
          flight.timer = setTimeout(() => {
            settle({ ok: false, error: `timed out after ${seconds} s` });
            ac.abort(new Error('timeout'));
          }, seconds * 1000);
        }
        let workspace = '';
        if (executor.usesWorkspace !== false) {
          workspace = this.workspaceOf(run, task);
          try {
            mkdirSync(workspace, { recursive: true, mode: PRIVATE_DIR_MODE });
          } catch (err) {
            settle({
              ok: false,
              error: `cannot create the workspace ${workspace}: ${(err as Error).message}`,
            });
            return;
          }
        }
        // What the agent's kind adds to the context (its `prepare`), or why the attempt cannot run.
        const prepared = this.hooks.prepare(run, task, spec, agent);
        if ('error' in prepared) {
          settle({ ok: false, error: prepared.error });
          return;
        }
        const coding = prepared.coding;
        const ctx: TaskContext = {
          workspace,
          secrets: this.secrets,
          run_id: run.id,
          marker_scope: this.rt.store.attemptScope,
          plan_id: run.plan.plan_id,
          project_id: run.plan.project_id ?? null,
          task: spec,
          attempt,
          delegation_task_id: task.delegation_task_id!,
          agent,
          dependencies: spec.depends_on.map((d) => {
            const t = run.tasks.get(d)!;
            if (!run.withArtifacts.has(d)) return { task_id: d, status: t.status, output: t.output };
            const artifacts = this.rt.store.execution
              .artifacts(run.id, d)
              .filter((a) => a.attempt === t.attempt)
              .map(({ name, path, size, sha256 }) => ({ name, path, size, sha256 }));
            return { task_id: d, status: t.status, output: t.output, artifacts };
          }),
        };
        // What only some attempts have is set when they have it (no object spread per attempt).
        if (coding) ctx.coding = coding;
        if (run.plan.sandbox) ctx.sandbox = run.plan.sandbox;
        if (attempt > 1)
          ctx.earlier_steps = this.rt.store.steps
            .list(run.id, task.task_id)
            .filter((s) => s.attempt < attempt);
        const asks = this.asks;
        ctx.sandboxHosts = new AttemptHosts(
          this.rt.store,
          coding?.workspace.id ?? null,
          agent,
          asks ? { asks, at } : null,
        );
        if (asks) {
          ctx.askToolCall = (req, sig) => asks.ask(at, { kind: 'tool_call', ...req }, sig);
          if (coding)
            ctx.askMergeConflict = (req, sig) => asks.ask(at, { kind: 'merge_conflict', ...req }, sig);
        }
        // Only a coding or llm attempt can be told something while it runs (runs.say): no closure for the rest.
        if (coding || agent.kind === 'llm') {
          const messages = this.rt.messages;
          ctx.listen = (receive, how, held) =>
            messages.listen(at.run_id, at.task_id, at.attempt, receive, how, held);
          ctx.turns = this.rt.turns.holdFor(at.run_id, at.task_id, at.attempt);
        }
        const rule = budgetRule(
          this.rt,
          this.budget,
          this.agents.daily,
          run,
          task,
          agent,
          this.agents.traitsOf(agent),
          flight,
        );
        if (rule) ctx.budgetPassed = rule;
        const memory = memoryFor(this.rt.store, spec);
        if (memory) ctx.memory = memory;
        // Steps whose notes no tick has taken yet, by seq: a newer version of one (a tool call that
        // ran, then answered) takes the place of the older in its note, so it is written once.
        // Made at its first step: most attempts (an echo, a command's result) report none.
        let waiting: Map<number, ExecutorNote> | null = null;
        let waitingSince = -1;
        for await (const ev of executor.start(ctx, ac.signal)) {
          if (flight.settled) break;
          if (ev.type === 'result') return settle({ ok: true, output: ev.output });
          if (ev.type === 'error')
            return settle({
              ok: false,
              error: ev.message,
              // Stopped at a model turn by the budget: the task waits for a person, unless it was cancelled.
              ...(flight.budgetStop !== undefined && ev.message !== CANCELLED_MESSAGE
                ? { budget: flight.budgetStop }
                : {}),
              // The account ran out: waiting for quota, not failed (unless it was cancelled meanwhile).
              ...(ev.limit !== undefined && !ac.signal.aborted ? { limit: ev.limit } : {}),
            });
          let stored: Promise<void> | null = null;
          let onStored: (() => void) | undefined;
          // A session is stored before the executor goes on too: what comes next (a person asked to
          // resolve a conflict in its folder, a CLI started there) may outlive this process.
          if ((ev.type === 'step' && executor.awaitsSteps !== false) || ev.type === 'session')
            stored = new Promise<void>((resolve) => (onStored = resolve));
          const note: ExecutorNote = {
            kind: 'executor.note',
            runId: run.id,
            taskId: task.task_id,
            attempt,
            event: ev,
            ...(onStored ? { stored: onStored } : {}),
          };
          if (ev.type === 'step' && !stored) {
            const inbox = this.rt.inbox;
            if (waiting === null) waiting = new Map();
            if (inbox.taken !== waitingSince) {
              waiting.clear();
              waitingSince = inbox.taken;
            }
            const earlier = waiting.get(ev.step.seq);
            if (earlier) {
              earlier.event = ev;
              continue;
            }
            waiting.set(ev.step.seq, note);
          }
          this.rt.inbox.push(note);
          this.rt.schedule();
          // An executor that need not wait for its steps can print them faster than they are
          // stored (a CLI's burst of lines, read without a turn of the event loop between): past
          // a tick's worth, it lets the tick asked for store them first, so the burst is stored
          // as it goes (and heard on the bus) instead of all at once after it.
          if (waiting !== null && waiting.size >= STEPS_PER_TICK) await nextTurn();
          // A step (a session) is stored before the executor goes on (it is not asked for its next
          // event until then), but a step of an executor that need not wait (`awaitsSteps`).
          if (stored) await untilOrAborted(stored, ac.signal);
        }
        settle({ ok: false, error: 'the agent finished without a result' });
      } catch (err) {
        settle({
          ok: false,
          error: err instanceof Error ? err.message : String(err),
          ...(err instanceof UsageLimited && !ac.signal.aborted ? { limit: err.limit } : {}),
        });
      }
    } catch (err) {
      // Something around the attempt, not the attempt (whose failure settled it above): a bug,
      // logged; the promise never rejects (no catch handler per attempt is needed).
      this.around.failed(err);
    } finally {
      this.stopped(at);
    }
  }

  /** Applies what an executor reported, if its attempt is still the task's current one. */
  applyNote(n: ExecutorNote): void {
    if (n.stored) this.rt.effects.afterCommit(n.stored);
    const run = this.rt.active.get(n.runId);
    const task = run?.tasks.get(n.taskId);
    if (!run || !task || task.status !== 'in_progress' || task.attempt !== n.attempt) return;
    const ev = n.event;
    switch (ev.type) {
      case 'progress':
        this.applyProgress(run, task, Math.max(0, Math.min(100, ev.percent)), ev.message ?? null, undefined);
        break;
      case 'log': {
        const line = {
          run_id: run.id,
          task_id: task.task_id,
          attempt: task.attempt,
          stream: ev.stream,
          text: ev.text,
          at: this.rt.iso(),
        };
        this.rt.bus.emit('task.log', { id: this.rt.store.execution.addLog(line), ...line });
        break;
      }
      case 'artifact':
        this.recordArtifact(run, task, { name: ev.name, path: ev.path, size: ev.size, sha256: ev.sha256 });
        break;
      case 'usage': {
        const cost = believedUsd(ev.cost);
        if (cost === null) unseenCall(run, task.task_id);
        else run.usage.set(task.task_id, (run.usage.get(task.task_id) ?? 0) + cost);
        this.rt.store.execution.addLog({
          run_id: run.id,
          task_id: task.task_id,
          attempt: task.attempt,
          stream: 'info',
          text: `usage: ${ev.prompt_tokens} prompt + ${ev.completion_tokens} completion tokens on ${ev.model}, cost ${cost ?? `not known (${ev.cost} said)`}`,
          at: this.rt.iso(),
        });
        break;
      }
      case 'step': {
        const step = withBelievedCost(ev.step);
        // An executor's malformed step is dropped and said; stored, it would have failed the
        // tick's write and lost every task's notes in it.
        const problem = stepRowProblem(step);
        if (problem) {
          const line = {
            run_id: run.id,
            task_id: task.task_id,
            attempt: task.attempt,
            stream: 'notice' as const,
            text: `a ${typeof step.kind === 'string' ? step.kind : 'step'} step of the agent's was not stored (${problem})`,
            at: this.rt.iso(),
          };
          this.rt.bus.emit('task.log', { id: this.rt.store.execution.addLog(line), ...line });
          // What it says was spent still counts against the budget; a cost it does not say is unknown.
          if (step.kind === 'usage' && typeof step.cost_usd === 'number' && step.cost_usd > 0)
            run.usage.set(task.task_id, (run.usage.get(task.task_id) ?? 0) + step.cost_usd);
          else if (step.kind === 'usage' && typeof step.cost_usd !== 'number') unseenCall(run, task.task_id);
          break;
        }
        this.rt.store.steps.upsertOf(
          { run_id: run.id, task_id: task.task_id, attempt: task.attempt, agent_id: task.agent_id },
          [step],
        );
        if (step.kind === 'usage') this.agents.daily.record(task.agent_id, run.plan, step);
        if (step.kind === 'usage' && step.cost_usd !== null && step.cost_usd > 0)
          run.usage.set(task.task_id, (run.usage.get(task.task_id) ?? 0) + step.cost_usd);
        else if (step.kind === 'usage' && step.cost_usd === null) unseenCall(run, task.task_id);
        if (this.rt.bus.wants('task.step'))
          this.rt.bus.emit('task.step', {
            ...step,
            run_id: run.id,
            task_id: task.task_id,
            attempt: task.attempt,
          });
        break;
      }
      case 'session': {
        const s = ev.session;
        const session: TaskSession = {
          ...s,
          run_id: run.id,
          task_id: task.task_id,
          agent_id: task.agent_id ?? '',
          attempt: task.attempt,
          state: 'active',
          updated_at: this.rt.iso(),
        };
        this.rt.store.sessions.upsert(session);
        run.withSessions.add(task.task_id);
        const stored = this.rt.store.sessions.get(run.id, task.task_id);
        if (stored) this.rt.bus.emit('session.updated', stored);
        break;
      }
      case 'result':
      case 'error':
        break;
    }
  }

  applyProgress(
    run: ActiveRun,
    task: TaskRun,
    progress: number,
    message: string | null,
    metadata: unknown,
  ): void {
    task.progress = progress;
    task.progress_message = message;
    this.writer.save(task);
    this.rt.store.execution.addProgress(run.id, task.task_id, {
      attempt: task.attempt,
      progress,
      message,
      metadata: metadata ?? null,
      at: this.rt.iso(),
    });
  }

  /** Where an attempt works and leaves its files: `<root>/<run>/<task>/<attempt>`. */
  private workspaceOf(run: ActiveRun, task: TaskRun): string {
    return attemptWorkspace(this.rt.config.workspaceRoot, run.id, task.task_id, task.attempt);
  }

  /**
   * Files a person or daemon handed in: written to the attempt's workspace, recorded as artifacts
   * (inside the caller's transaction: `PullApi.completeTask`).
   */
  storeFiles(run: ActiveRun, task: TaskRun, files: HandedFile[]): void {
    const dir = this.workspaceOf(run, task);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const f of files) {
      const bytes = Buffer.from(f.content, f.encoding);
      const path = writeFreshFileSync(dir, basename(f.name), bytes, PRIVATE_FILE_MODE);
      this.recordArtifact(run, task, {
        name: basename(f.name),
        path,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  }

  /** A file the attempt left, so dependents are handed it. */
  private recordArtifact(
    run: ActiveRun,
    task: TaskRun,
    file: { name: string; path: string; size: number; sha256: string },
  ): void {
    run.withArtifacts.add(task.task_id);
    this.rt.store.execution.addArtifact({
      run_id: run.id,
      task_id: task.task_id,
      attempt: task.attempt,
      ...file,
      created_at: this.rt.iso(),
    });
  }
}

const CANCELLED_MESSAGE = CANCELLED.type === 'error' ? CANCELLED.message : 'cancelled';

/** Steps an executor that need not wait for them may put in the inbox before a tick takes them. */
const STEPS_PER_TICK = 1_024;

/** Most notes, and characters of each, a task's `inputs.memory_query` hands its agent. */
const MEMORY_HITS = 10;
const MEMORY_CONTENT_CHARS = 2_000;

/** The notes Baton's memory holds on the task's `inputs.memory_query`, if it names one (`TaskContext.memory`). */
function memoryFor(store: Store, spec: TaskSpec): MemoryFindings | null {
  const query = spec.inputs?.memory_query;
  if (typeof query !== 'string' || query.trim() === '') return null;
  const hits = store.memory.search({ query, type: 'note', limit: MEMORY_HITS }).map(({ entry, snippet }) => {
    const text = typeof entry.content === 'string' ? entry.content : JSON.stringify(entry.content);
    return {
      id: entry.id,
      agent_id: entry.agent_id,
      created_at: entry.created_at,
      snippet,
      content: text.length > MEMORY_CONTENT_CHARS ? `${text.slice(0, MEMORY_CONTENT_CHARS)}…` : entry.content,
    };
  });
  return { query, hits };
}

/** Resolves when `wait` does or `signal` aborts, whichever is first (never rejects). */
function untilOrAborted(wait: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void wait.then(done);
  });
}

/** One more model call of a task's current attempt whose cost is not known. */
function unseenCall(run: ActiveRun, taskId: string): void {
  run.unseen.set(taskId, (run.unseen.get(taskId) ?? 0) + 1);
}
