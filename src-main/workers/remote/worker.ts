import { isAbsolute, resolve } from 'node:path';
import type { PreparedContext, PulledTask } from '../../../src-shared/contract/domains/work.ts';
import type { DroppedAttempt } from '../../../src-shared/contract/domains/workers.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import type { ExecutorRegistry } from '../../engine/executor.ts';
import { isExecutingKind } from '../../engine/executor.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import { WorkerAttempt } from './attempt.ts';
import { WorkerWorktrees } from './coding.ts';
import { backoffMs, describe, Retrier, sleep } from './retry.ts';
import type { ServerLink } from './server-link.ts';
import { Refused, seg, watchRevocation } from './server-link.ts';
import { TaskFolders } from './task-folders.ts';
import type { WorkSignal } from './work-signal.ts';

/** How long one look for work waits on the server for a task to come (long-poll). */
const LONG_POLL_S = 20;
/** While the work signal is heard: a look without it now and then, in case a frame was lost. */
const SIGNAL_LOOK_MS = 30_000;

export interface WorkerOptions {
  /** This worker's id on the server (its agents are registered as its own). */
  id: string;
  link: ServerLink;
  agents: Agent[];
  executors: Partial<ExecutorRegistry>;
  secrets: SecretResolver;
  /** The worker's data dir: attempts get their folders under `tasks/` (task-folders.ts), coding tasks their worktrees under `worktrees/` (coding.ts). */
  workDir: string;
  /** The repositories of this machine its coding agents work in, by the id plans name (`--workspaces`). */
  workspaces?: ReadonlyMap<string, Workspace>;
  /** How long to wait before looking again when a look (a long-poll) found no work. */
  pollMs: number;
  /** The server's "work available" WebSocket: while heard, looks follow it instead of long-polling. */
  signal?: WorkSignal;
  /**
   * Folders hidden from its agents from the start (its own data dir, and the default data
   * directories of a Baton on this machine when its server is), besides the policy's; the
   * server's data directory is added once the server tells it (`hiddenFolders`).
   */
  hide?: readonly string[];
  say: (line: string) => void;
}

/**
 * `baton worker`: runs a machine's agents for a Baton server. It registers them as its own, then
 * pulls their tasks over the pull API (select, execute, complete), runs each with the same
 * executors the app has, streams what the agent reports, and heartbeats the attempts it holds
 * (their leases). Nothing the server, the network or a task does ends it: failures are said on
 * stderr and tried again with backoff. `stop` stops pulling, stops the agents and gives their
 * tasks back (queued again as new attempts on the server).
 */
export class Worker {
  private readonly opts: WorkerOptions;
  private readonly stopping = new AbortController();
  private readonly retry: Retrier;
  private readonly running = new Map<string, WorkerAttempt>();
  private leaseMs = 30_000;
  private heartbeat: NodeJS.Timeout | null = null;
  private registered = false;
  private registering: Promise<void> | null = null;
  /** Where this session's attempts get their folders (made when `run` starts). */
  private folders: TaskFolders | null = null;
  /** Why the worker cannot go on (its token was revoked): `run` rejects with it. */
  private failure: string | null = null;
  private readonly worktrees: WorkerWorktrees;
  /** The server's data directory, as it said when this worker registered (null: not yet). */
  private serverDataDir: string | null = null;

  constructor(opts: WorkerOptions) {
    // Every call goes through the watched link: whichever call first hears of a revoked token stops the worker.
    this.opts = { ...opts, link: watchRevocation(opts.link, (err) => this.revoked(err)) };
    this.retry = new Retrier(this.stopping.signal, opts.say);
    this.worktrees = new WorkerWorktrees(opts.workDir, opts.id, opts.workspaces ?? new Map(), opts.agents);
  }

  /**
   * Until `stop`: registers, then pulls work for each agent side by side (each long-polls the
   * server for its next task while it has room). Resolves once held tasks were given back.
   */
  async run(): Promise<void> {
    // What earlier sessions left is removed first; this session's folder goes when it stops.
    this.folders = new TaskFolders(this.opts.workDir, this.opts.say);
    this.opts.signal?.start();
    try {
      try {
        await this.ensureRegistered();
      } catch (err) {
        if (!this.failure) throw err;
      }
      await Promise.all(this.opts.agents.map((a) => this.pullFor(a)));
      await this.giveBack();
    } finally {
      this.opts.signal?.close();
      this.folders.close();
    }
    if (this.failure) throw new Error(this.failure);
  }

  /**
   * The server says this worker's token was revoked: it stops at once. Its agents are stopped;
   * their tasks cannot be given back with that token, so the server queues them again once
   * their leases lapse.
   */
  private revoked(err: Refused): void {
    if (this.failure) return;
    this.failure = `stopped: the server revoked this worker's token (${err.message})`;
    this.opts.say(this.failure);
    this.stop();
  }

  /**
   * What no agent of this worker reads, besides its policy's: the folders it was given
   * (`WorkerOptions.hide`) and the server's data directory, once known. On the server's machine
   * that directory holds the server's database, `server.json` (the UI's token, which opens
   * everything) and its secrets; elsewhere the path names nothing.
   */
  hiddenFolders(): string[] {
    const hide = [...(this.opts.hide ?? [])];
    if (this.serverDataDir !== null && !hide.includes(this.serverDataDir)) hide.push(this.serverDataDir);
    return hide;
  }

  /** Stops pulling; the agents at work are stopped and their tasks given back (`run` resolves then). */
  stop(): void {
    if (this.stopping.signal.aborted) return;
    this.opts.say(
      this.running.size === 0
        ? 'stopping: no task held'
        : this.failure
          ? `stopping ${this.running.size} task(s); the server queues them again once their leases lapse`
          : `stopping: giving back ${this.running.size} task(s) to the server`,
    );
    this.stopping.abort();
  }

  private async register(): Promise<void> {
    const { id, link, agents, say } = this.opts;
    for (let n = 1; !this.stopping.signal.aborted; n++) {
      try {
        const answer = await link.post<{ agents: Agent[]; lease_ms: number; data_dir?: unknown }>(
          `/api/v1/workers/${seg(id)}/register`,
          {
            agents: agents.map(({ worker: _, ...a }) => a),
            workspaces: [...this.worktrees.workspaces.keys()],
          },
        );
        this.leaseMs = answer.lease_ms;
        this.registered = true;
        this.beat();
        const hides = this.heardDataDir(answer.data_dir);
        say(
          `registered as worker ${id} with ${answer.agents.map((a) => a.id).join(', ')} (lease ${answer.lease_ms / 1000} s)${
            hides ? `; the server's data directory ${hides} is hidden from its agents` : ''
          }`,
        );
        return;
      } catch (err) {
        // An agents file the server refuses will not change by waiting; anything else may.
        if (err instanceof Refused && err.status === 400)
          throw new Error(`the server refused the agents: ${err.message}`);
        const wait = backoffMs(n);
        say(`registering: ${describe(err)}; trying again in ${(wait / 1000).toFixed(1)} s`);
        await sleep(wait, this.stopping.signal);
      }
    }
  }

  /** The server's data directory as it said it: kept when it is an absolute path other than `/`; the path, or null. */
  private heardDataDir(said: unknown): string | null {
    if (typeof said !== 'string' || !isAbsolute(said) || resolve(said) === resolve('/')) return null;
    this.serverDataDir = resolve(said);
    return this.serverDataDir;
  }

  /** Heartbeats every third of the lease (the server tells the lease; a heartbeat's answer can change it). */
  private beat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(
      () => void this.sendHeartbeat(),
      Math.max(100, Math.round(this.leaseMs / 3)),
    );
  }

  private beating = false;
  private outage = false;

  private async sendHeartbeat(): Promise<void> {
    if (this.beating || this.stopping.signal.aborted) return;
    this.beating = true;
    const held = [...this.running.values()].map((a) => a.held);
    try {
      const answer = await this.opts.link.post<{ drop: DroppedAttempt[]; lease_ms: number }>(
        `/api/v1/workers/${seg(this.opts.id)}/heartbeat`,
        { held },
      );
      if (this.outage) this.opts.say('the server answers again');
      this.outage = false;
      for (const d of answer.drop) this.running.get(keyOf(d))?.stop('drop', d.reason);
      if (answer.lease_ms !== this.leaseMs) {
        this.leaseMs = answer.lease_ms;
        this.beat();
      }
    } catch (err) {
      // Said once per outage; the heartbeats go on at their pace.
      if (!this.outage)
        this.opts.say(
          `heartbeat: ${describe(err)}; still trying every ${Math.round(this.leaseMs / 3) / 1000} s`,
        );
      this.outage = true;
    } finally {
      this.beating = false;
    }
  }

  /** Registers (once at a time), unless it is registered. */
  private ensureRegistered(): Promise<void> {
    if (this.registered) return Promise.resolve();
    this.registering ??= this.register().finally(() => {
      this.registering = null;
    });
    return this.registering;
  }

  /** The pull loop of one agent: while it has room, the next task it can take; failures waited out. */
  private async pullFor(agent: Agent): Promise<void> {
    const { say } = this.opts;
    const stopped = () => this.stopping.signal.aborted;
    let fails = 0;
    while (!stopped()) {
      await this.ensureRegistered();
      if (stopped()) break;
      const mine = [...this.running.values()].filter((a) => a.agentId === agent.id);
      if (mine.length >= agent.max_concurrency) {
        // At capacity: wait for one of its attempts to end (or the worker to stop).
        await Promise.race([...mine.map((a) => a.done), sleep(60_000, this.stopping.signal)]);
        continue;
      }
      let took: boolean;
      // With the work signal, a look answers at once and the next waits for the signal.
      const { signal } = this.opts;
      const heard = signal?.connected === true;
      const since = signal?.seq ?? 0;
      try {
        took = await this.pullOne(agent, heard ? 0 : LONG_POLL_S);
        fails = 0;
      } catch (err) {
        if (stopped()) break;
        if (err instanceof Refused && err.code === 'not_found') {
          // The server forgot the agent (a person removed it, a fresh data directory): register again.
          say(`${agent.id}: ${describe(err)}; registering again`);
          this.registered = false;
          continue;
        }
        fails++;
        const wait = backoffMs(fails);
        say(`${agent.id}: looking for work: ${describe(err)}; trying again in ${(wait / 1000).toFixed(1)} s`);
        await sleep(wait, this.stopping.signal);
        continue;
      }
      if (took) continue;
      if (heard && signal)
        await signal.wait(since, Math.max(this.opts.pollMs, SIGNAL_LOOK_MS), this.stopping.signal);
      else await sleep(this.opts.pollMs, this.stopping.signal);
    }
  }

  /** One look (a long-poll of `waitS`) for the agent's next task, taken if still there; true when it was. */
  private async pullOne(agent: Agent, waitS: number): Promise<boolean> {
    const a = seg(agent.id);
    const next = await this.opts.link.get<{ task: PulledTask | null }>(
      `/api/v1/agents/${a}/next-task?wait_s=${waitS}`,
      this.stopping.signal,
    );
    if (!next.task || this.stopping.signal.aborted) return false;
    const t = next.task;
    let taken: { status: string; error?: string; context?: PreparedContext };
    try {
      taken = await this.opts.link.post(
        `/api/v1/agents/${a}/tasks/${seg(t.run_id)}/${seg(t.task_id)}/execute`,
        {},
      );
    } catch (err) {
      // Another worker took it first, or it changed meanwhile: look again.
      if (err instanceof Refused && err.status === 409) return true;
      throw err;
    }
    if (taken.status !== 'in_progress' || !taken.context) return true;
    this.start(agent, taken.context);
    return true;
  }

  private start(agent: Agent, ctx: PreparedContext): void {
    const { opts, folders } = this;
    if (!folders) throw new Error('the worker is not running');
    const executor = isExecutingKind(agent.kind) ? opts.executors[agent.kind] : undefined;
    if (!executor) throw new Error(`no executor for ${agent.kind} agents`);
    const attempt = new WorkerAttempt(
      {
        workerId: opts.id,
        link: opts.link,
        executor,
        agent,
        secrets: opts.secrets,
        folders,
        worktrees: this.worktrees,
        retry: this.retry,
        say: opts.say,
      },
      ctx,
    );
    const key = keyOf(attempt.held);
    this.running.set(key, attempt);
    opts.say(`took ${attempt.name()} for ${agent.id}`);
    void attempt.done.then(() => this.running.delete(key));
  }

  /** Stops every agent at work and tells the server it gives their tasks back. */
  private async giveBack(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    const held = [...this.running.values()];
    for (const a of held) a.stop('shutdown');
    await Promise.all(held.map((a) => a.done));
    if (held.length === 0 || !this.registered || this.failure) return;
    // A few tries only: a server that stays away lets the leases lapse, which requeues them too.
    for (let n = 1; n <= 3; n++) {
      try {
        const answer = await this.opts.link.post<{ requeued: unknown[] }>(
          `/api/v1/workers/${seg(this.opts.id)}/leave`,
          {
            held: held.map((a) => a.held),
          },
        );
        this.opts.say(`gave back ${answer.requeued.length} task(s)`);
        return;
      } catch (err) {
        this.opts.say(`giving tasks back: ${describe(err)}`);
        await new Promise((r) => setTimeout(r, backoffMs(n)));
      }
    }
    this.opts.say('could not give the tasks back; the server queues them again once their leases lapse');
  }
}

function keyOf(h: { run_id: string; task_id: string; attempt: number }): string {
  return `${h.run_id}\u0000${h.task_id}\u0000${h.attempt}`;
}
