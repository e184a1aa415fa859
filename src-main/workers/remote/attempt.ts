import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import type { PreparedContext } from '../../../src-shared/contract/domains/work.ts';
import type {
  DroppedAttempt,
  HeldAttempt,
  ResultAnswer,
  WorkerEvent,
  WorkerResult,
} from '../../../src-shared/contract/domains/workers.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Executor, ExecutorEvent, TaskContext } from '../../engine/executor.ts';
import { readRecordedFileSync } from '../../files/recorded-file.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { Asker } from './asks.ts';
import { askMergeConflict, askSandboxHost, askToolCall } from './asks.ts';
import type { WorkerWorktrees } from './coding.ts';
import type { Retrier } from './retry.ts';
import type { ServerLink } from './server-link.ts';
import { Refused, seg } from './server-link.ts';
import type { TaskFolders } from './task-folders.ts';

/** Why a worker stops an attempt before its agent ends it. */
export type StopReason = 'drop' | 'shutdown';

/** Most files, and bytes of each, handed in with a completion (`work.complete`'s limits). */
const MAX_FILES = 50;
const MAX_FILE_BYTES = 7_000_000;

/** A file the agent left, as its `artifact` event recorded it. */
type RecordedArtifact = Extract<ExecutorEvent, { type: 'artifact' }>;
/** Notes sent in one report, and how often they go while an attempt runs. */
const REPORT_BATCH = 500;
const REPORT_EVERY_MS = 250;
/** Notes kept while the server cannot be reached; older log lines are let go past it. */
const MAX_PENDING = 5_000;

export interface AttemptDeps {
  workerId: string;
  link: ServerLink;
  executor: Executor;
  agent: Agent;
  secrets: SecretResolver;
  /** Where this worker's attempts get their folders (removed once each attempt ended). */
  folders: TaskFolders;
  /** Coding agents' workspaces, worktrees and sessions on this machine. */
  worktrees: WorkerWorktrees;
  retry: Retrier;
  /** Hands the attempt's result in with the worker's next claim: the server's answer, or null once the worker stopped. */
  handIn: (result: WorkerResult) => Promise<ResultAnswer | null>;
  say: (line: string) => void;
}

/**
 * One attempt a worker was handed (`workers.claim`, with its context and lease): the agent runs
 * it with the app's own executor; its progress, log lines, usage and steps go back as they come
 * (`workers.report`); its result, with the files it leaves, is handed in with the worker's next
 * claim, until the server answers for it. Stopped (`stop`) when the server says the attempt is no
 * longer this worker's, or when the worker stops: then nothing is handed in.
 */
export class WorkerAttempt {
  /** The attempt and the lease it holds it under: its fencing token. */
  readonly held: HeldAttempt & { lease: number };
  private readonly deps: AttemptDeps;
  private readonly ctx: PreparedContext;
  private readonly ac = new AbortController();
  private stopped: StopReason | null = null;
  /** Its agent still works on it (its slot is taken): until its result is handed in, or it stops. */
  private atWork = true;
  /** How it ended: its result taken, refused, or not handed in (stopped). */
  outcome: 'ok' | 'refused' | 'stopped' = 'stopped';
  private pending: WorkerEvent[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Settles when the attempt ended (completed, dropped or stopped). */
  readonly done: Promise<void>;

  constructor(deps: AttemptDeps, ctx: PreparedContext, lease: number) {
    this.deps = deps;
    this.ctx = ctx;
    this.held = { run_id: ctx.run.id, task_id: ctx.task.task_id, attempt: ctx.attempt, lease };
    this.done = this.run()
      .catch((err: unknown) => {
        // A bug here must not end the worker: the attempt's lease lapses and it runs again elsewhere.
        deps.say(`${this.name()}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.atWork = false;
      });
  }

  get agentId(): string {
    return this.deps.agent.id;
  }

  /** Whether its agent still works on it: its slot is free once its result is handed in. */
  get working(): boolean {
    return this.atWork && this.stopped === null;
  }

  name(): string {
    return `${this.held.task_id} (run ${this.held.run_id}, attempt ${this.held.attempt})`;
  }

  /** Stops the agent (its processes are killed); `drop`: the server gave the attempt to another. */
  stop(reason: StopReason, why?: string): void {
    if (this.stopped) return;
    this.stopped = reason;
    if (reason === 'drop')
      this.deps.say(`dropping ${this.name()}: ${why ?? 'the server says it is not ours'}`);
    this.ac.abort(new Error(reason === 'drop' ? `dropped: ${why ?? ''}` : 'the worker is stopping'));
  }

  private async run(): Promise<void> {
    const { deps, ctx } = this;
    const dir = deps.folders.attemptDir(ctx.run.id, ctx.task.task_id, ctx.attempt);
    // Files the server could not take: the folder is kept for them once the completion is acknowledged.
    const left: string[] = [];
    try {
      this.outcome = await this.attempt(dir, left);
    } finally {
      deps.folders.finished(dir, this.name(), this.outcome === 'ok' ? left : []);
    }
  }

  /** Runs the agent in `dir` and completes the attempt; how the completion went (`stopped`: it was not sent). */
  private async attempt(dir: string, left: string[]): Promise<'ok' | 'refused' | 'stopped'> {
    const { deps, ctx } = this;
    const taskCtx: TaskContext = {
      run_id: ctx.run.id,
      plan_id: ctx.run.plan_id,
      project_id: ctx.run.project_id,
      task: ctx.task,
      attempt: ctx.attempt,
      delegation_task_id: ctx.delegation_task_id ?? `${ctx.run.id}:${ctx.task.task_id}`,
      agent: deps.agent,
      // The dependencies' files stay on the server: their outputs come along.
      dependencies: ctx.dependencies.map(({ task_id, status, output }) => ({ task_id, status, output })),
      workspace: dir,
      secrets: deps.secrets,
      // The plan's narrowing: the agent's policy on this machine, narrowed by it, confines the attempt.
      ...(ctx.sandbox ? { sandbox: ctx.sandbox } : {}),
    };
    // What the agent asks a person (a tool call its policy says to ask about, a merge conflict)
    // is asked in the server's inbox, and waited on here (asks.ts).
    const asker: Asker = {
      workerId: deps.workerId,
      link: deps.link,
      held: this.held,
      drop: (why) => this.stop('drop', why),
      say: deps.say,
      name: this.name(),
    };
    // The call's step (and what the agent reported before it) reaches the server before the
    // question: the card's transaction there stores it at the latest, so a crash of the server
    // cannot keep the card without the step.
    taskCtx.askToolCall = async (req, signal) => {
      if (req.shown) this.note({ type: 'step', step: req.shown });
      await this.sendWaiting();
      return askToolCall(asker, req, signal);
    };
    // The network policy `ask`: the hosts allowed for the task's workspace (or agent) on the
    // server, and a refused one asked about there.
    const hosts = ctx.sandbox_hosts;
    const asking: Promise<void>[] = [];
    if (hosts)
      taskCtx.sandboxHosts = {
        ...hosts,
        ask: (host) => void asking.push(askSandboxHost(asker, hosts, host)),
      };
    this.timer = setInterval(() => void this.flush(), REPORT_EVERY_MS);
    const files: RecordedArtifact[] = [];
    let final: { ok: true; output: unknown } | { ok: false; error: string } = {
      ok: false,
      error: 'the agent finished without a result',
    };
    try {
      // An agent that uses no folder (echo) gets none, as in the app.
      if (deps.executor.usesWorkspace !== false)
        try {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
        } catch (err) {
          throw new Error(`cannot create the workspace ${dir}: ${(err as Error).message}`);
        }
      if (deps.agent.kind === 'coding') {
        // The task's worktree and session on this machine (coding.ts), or why it cannot run here.
        const coding = deps.worktrees.context(ctx, deps.agent);
        if ('error' in coding) throw new Error(coding.error);
        taskCtx.coding = coding;
        taskCtx.askMergeConflict = (req, signal) => askMergeConflict(asker, req, signal);
      }
      for await (const ev of deps.executor.start(taskCtx, this.ac.signal)) {
        if (ev.type === 'result') final = { ok: true, output: ev.output };
        else if (ev.type === 'error') final = { ok: false, error: ev.message };
        else if (ev.type === 'artifact') files.push(ev);
        else this.note(ev);
      }
    } catch (err) {
      final = { ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      if (this.timer) clearInterval(this.timer);
    }
    if (this.stopped) return 'stopped';
    // Questions about refused hosts are on the server before the attempt ends there.
    await Promise.allSettled(asking);
    await this.flushAll();
    if (this.stopped) return 'stopped';
    const handed = this.files(files, left);
    const result: WorkerResult = {
      ...this.held,
      ...(final.ok
        ? { status: 'completed', output: final.output }
        : { status: 'failed', error: final.error.slice(0, 20_000) }),
      ...(handed.length > 0 ? { files: handed } : {}),
    };
    // Its slot is free for the claim that hands the result in (the server ends the attempt first).
    this.atWork = false;
    // The server's answer says what became of the task (done, waiting for a review), or why it
    // did not take the result (a late one: the attempt's lease was given away).
    const answer = await deps.handIn(result);
    if (answer === null || this.stopped) return 'stopped';
    if (!answer.taken) {
      deps.say(`the server did not take the result of ${this.name()}: ${answer.reason}`);
      this.stopped = 'drop';
      return 'refused';
    }
    // A coding task the server took as done (no review waits on it) needs its worktree no more,
    // as in the app: it goes, its branch stays (dependents start from it).
    const coding = taskCtx.coding;
    if (coding && answer.status === 'done') await deps.worktrees.release(ctx, coding, deps.say);
    deps.say(`${final.ok ? 'done' : 'failed'}: ${this.name()}${final.ok ? '' : ` (${final.error})`}`);
    return 'ok';
  }

  /** Something the agent reported, for the next report. */
  private note(ev: Exclude<ExecutorEvent, { type: 'result' | 'error' | 'artifact' }>): void {
    // A coding task's session (its worktree's folder, the CLI's home and session id) stays on
    // this machine, for the task's next attempt here; the server learns the branch, commits and
    // session id from the result (coding.ts).
    if (ev.type === 'session') {
      try {
        this.deps.worktrees.noteSession(this.ctx, this.deps.agent.id, ev.session);
      } catch (err) {
        this.deps.say(`${this.name()}: cannot keep its session: ${(err as Error).message}`);
      }
      return;
    }
    this.pending.push(ev);
    if (this.pending.length > MAX_PENDING) {
      const over = this.pending.length - MAX_PENDING;
      this.pending.splice(0, over, {
        type: 'log',
        stream: 'info',
        text: `baton worker: ${over} earlier notes were let go while the server could not be reached`,
      });
    }
    if (this.pending.length >= REPORT_BATCH) void this.flush();
  }

  /** Sends what waits, one report at a time; a failure keeps it for the next try. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.length === 0 || this.stopped) return Promise.resolve();
    const batch = this.pending.slice(0, REPORT_BATCH);
    const { deps, held } = this;
    const path = `/api/v1/workers/${seg(deps.workerId)}/tasks/${seg(held.run_id)}/${seg(held.task_id)}/events`;
    this.flushing = deps.link
      .post<{ accepted: number; drop?: DroppedAttempt }>(path, {
        attempt: held.attempt,
        lease: held.lease,
        events: batch,
      })
      .then(
        (answer) => {
          this.pending.splice(0, batch.length);
          if (answer.drop) this.stop('drop', answer.drop.reason);
        },
        (err: unknown) => {
          // Kept for the next try (the heartbeat tells of an outage); a refusal of the notes
          // themselves (a bug) is let go rather than sent forever.
          if (err instanceof Refused && !err.transient) {
            this.pending.splice(0, batch.length);
            deps.say(`${this.name()}: the server refused its notes: ${err.message}`);
          }
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /**
   * Sends what was noted until now, as far as the server takes it: what it could not take goes
   * with a later report. A report on its way already (the timer's) holds only older notes, and
   * notes that come meanwhile wait behind these: what counts is that the last one noted now left.
   */
  private async sendWaiting(): Promise<void> {
    const last = this.pending[this.pending.length - 1];
    if (last === undefined) return;
    let at = this.pending.lastIndexOf(last);
    while (at >= 0 && !this.stopped) {
      await this.flush();
      const now = this.pending.lastIndexOf(last);
      // Nothing left the queue (the server cannot be reached): a later report sends it.
      if (now >= at) return;
      at = now;
    }
  }

  /** Sends everything that waits before the completion (so the log is whole), until the server has it. */
  private async flushAll(): Promise<void> {
    let fails = 0;
    while (this.pending.length > 0 && !this.stopped) {
      const before = this.pending.length;
      await this.flush();
      if (this.pending.length >= before)
        await this.deps.retry.pause(`sending ${this.name()}'s log`, ++fails, () => this.stopped !== null);
      else fails = 0;
    }
  }

  /** The files the agent left, as `work.complete` takes them (too many or too large ones are said and left out). */
  private files(
    found: RecordedArtifact[],
    left: string[],
  ): { name: string; content: string; encoding: 'base64' }[] {
    const out: { name: string; content: string; encoding: 'base64' }[] = [];
    const taken = new Set<string>();
    for (const [i, f] of found.entries()) {
      if (out.length >= MAX_FILES) {
        this.deps.say(
          `${this.name()}: more than ${MAX_FILES} files; ${f.name} and later ones stay on this machine`,
        );
        left.push(...found.slice(i).map((g) => g.name));
        break;
      }
      if (f.size > MAX_FILE_BYTES) {
        this.deps.say(
          `${this.name()}: ${f.name} is over ${MAX_FILE_BYTES} bytes; it stays on this machine (${f.path})`,
        );
        left.push(f.name);
        continue;
      }
      // Only the file as it was recorded: never through a link the agent swapped in since.
      const got = readRecordedFileSync(f, f.size);
      if (!got.ok) {
        this.deps.say(`${this.name()}: ${f.name} is not sent (${f.path}): ${got.why}`);
        left.push(f.name);
        continue;
      }
      let name = plainName(f.name);
      for (let i = 2; taken.has(name); i++) name = `${i}-${plainName(f.name)}`;
      taken.add(name);
      out.push({ name, content: got.head.toString('base64'), encoding: 'base64' });
    }
    return out;
  }
}

/** A file name `work.complete` accepts (no folders, no unusual characters). */
function plainName(name: string): string {
  const cleaned = basename(name)
    .replace(/[^\p{L}\p{N} ._()[\]+,@'&#-]/gu, '_')
    .replace(/^[ ]+/, '')
    .slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}
