import { isAbsolute, resolve } from 'node:path';
import type {
  ClaimedTask,
  DroppedAttempt,
  HeldAttempt,
  LeaseTerms,
} from '../../../src-shared/contract/domains/workers.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import type { ExecutorRegistry } from '../../engine/executor.ts';
import { isExecutingKind } from '../../engine/executor.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import { WorkerAttempt } from './attempt.ts';
import { Claims } from './claims.ts';
import { WorkerWorktrees } from './coding.ts';
import { backoffMs, describe, Retrier, sleep } from './retry.ts';
import type { ServerLink } from './server-link.ts';
import { Refused, seg, watched, watchRevocation } from './server-link.ts';
import { TaskFolders } from './task-folders.ts';
import type { WorkSignal } from './work-signal.ts';

/** How long the first claim waits for the work signal to open. */
const SIGNAL_READY_MS = 2_000;

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
  /** How long to wait before claiming again when a claim (a long-poll) found no work. */
  pollMs: number;
  /** The server's "work available" WebSocket: while heard, claims follow it instead of long-polling. */
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
 * claims their tasks (`claims.ts`: up to each agent's free slots in one call, the results of its
 * finished attempts handed in with it), runs each with the same executors the app has, streams
 * what the agent reports, and heartbeats the attempts it holds (their leases: every quarter
 * lease). Nothing the server, the network or a task does ends it: failures are said on stderr
 * and tried again with backoff. `stop` stops claiming, stops the agents and gives their tasks
 * back (queued again as new attempts on the server).
 */
export class Worker {
  private readonly opts: WorkerOptions;
  private readonly stopping = new AbortController();
  private readonly retry: Retrier;
  private readonly running = new Map<string, WorkerAttempt>();
  private leaseMs = 8_000;
  private beatMs = 2_000;
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
  private readonly claims: Claims;
  private readonly agents: Map<string, Agent>;
  /** Attempts stopped with the worker before the server took their results: given back as it stops. */
  private readonly unfinished: HeldAttempt[] = [];

  constructor(opts: WorkerOptions) {
    // Every call goes through the watched link: whichever call first hears of a revoked token stops the worker.
    this.opts = { ...opts, link: watchRevocation(opts.link, (err) => this.revoked(err)) };
    this.retry = new Retrier(this.stopping.signal, opts.say);
    this.worktrees = new WorkerWorktrees(opts.workDir, opts.id, opts.workspaces ?? new Map(), opts.agents);
    this.agents = new Map(opts.agents.map((a) => [a.id, a]));
    this.claims = new Claims({
      id: opts.id,
      link: this.opts.link,
      signal: opts.signal,
      pollMs: opts.pollMs,
      stopping: this.stopping.signal,
      say: opts.say,
      free: () => this.free(),
      working: () => {
        let n = 0;
        for (const a of this.running.values()) if (a.working) n++;
        return n;
      },
      registered: () => this.ensureRegistered(),
      forget: () => {
        this.registered = false;
      },
      start: (t) => this.start(t),
      terms: (t) => this.terms(t),
      fail: (why) => {
        if (this.failure) return;
        this.failure = why;
        this.opts.say(why);
        this.stop();
      },
      watch: (p) => watched(p, (err) => this.revoked(err)),
    });
  }

  /**
   * Until `stop`: registers, then claims work for its agents (`Claims`). Resolves once held tasks
   * were given back.
   */
  async run(): Promise<void> {
    // What earlier sessions left is removed first; this session's folder goes when it stops.
    this.folders = new TaskFolders(this.opts.workDir, this.opts.say);
    try {
      try {
        await this.ensureRegistered();
      } catch (err) {
        if (!this.failure) throw err;
      }
      // Once registered (a worker token is bound to its worker then), the work signal: it names
      // the worker. The first claim waits a moment for it, rather than hold a long-poll.
      if (!this.stopping.signal.aborted && this.opts.signal) {
        this.opts.signal.start();
        await this.opts.signal.ready(SIGNAL_READY_MS);
      }
      await this.claims.run();
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
        const answer = await link.post<{ agents: Agent[]; data_dir?: unknown } & LeaseTerms>(
          `/api/v1/workers/${seg(id)}/register`,
          {
            agents: agents.map(({ worker: _, ...a }) => a),
            workspaces: [...this.worktrees.workspaces.keys()],
          },
        );
        this.registered = true;
        this.terms(answer, true);
        const hides = this.heardDataDir(answer.data_dir);
        say(
          `registered as worker ${id} with ${answer.agents.map((a) => a.id).join(', ')} (lease ${answer.lease_ms / 1000} s, a heartbeat every ${this.beatMs / 1000} s)${
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

  /** What the server says of leases: the heartbeat follows it (an older server says no beat: a third of the lease). */
  private terms(t: { lease_ms: number; beat_ms?: number }, restart = false): void {
    const beat = t.beat_ms ?? Math.round(t.lease_ms / 3);
    if (!restart && t.lease_ms === this.leaseMs && beat === this.beatMs && this.heartbeat) return;
    this.leaseMs = t.lease_ms;
    this.beatMs = beat;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void this.sendHeartbeat(), Math.max(100, this.beatMs));
  }

  private beating = false;
  private outage = false;

  private async sendHeartbeat(): Promise<void> {
    if (this.beating || this.stopping.signal.aborted) return;
    this.beating = true;
    const held = [...this.running.values()].map((a) => a.held);
    try {
      const answer = await this.opts.link.post<{ drop: DroppedAttempt[] } & LeaseTerms>(
        `/api/v1/workers/${seg(this.opts.id)}/heartbeat`,
        { held },
      );
      if (this.outage) this.opts.say('the server answers again');
      this.outage = false;
      for (const d of answer.drop) this.running.get(keyOf(d))?.stop('drop', d.reason);
      this.terms(answer);
    } catch (err) {
      // Said once per outage; the heartbeats go on at their pace.
      if (!this.outage)
        this.opts.say(`heartbeat: ${describe(err)}; still trying every ${this.beatMs / 1000} s`);
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

  /** Free slots per agent: its `max_concurrency` less its attempts still at work (one that handed its result in is not). */
  private free(): Record<string, number> {
    const free: Record<string, number> = {};
    for (const a of this.opts.agents) free[a.id] = a.max_concurrency;
    for (const a of this.running.values()) if (a.working) free[a.agentId]!--;
    for (const id in free) if (free[id]! < 0) free[id] = 0;
    return free;
  }

  /** A task the server handed out: its attempt starts (an agent this worker does not have: said, and its lease lapses). */
  private start(t: ClaimedTask): void {
    const { opts, folders } = this;
    if (!folders) throw new Error('the worker is not running');
    if (this.stopping.signal.aborted) {
      // Handed out by a claim on its way when the worker stopped: given back with the rest.
      const { run, task, attempt } = t.context;
      this.unfinished.push({ run_id: run.id, task_id: task.task_id, attempt, lease: t.lease });
      return;
    }
    const agent = this.agents.get(t.agent_id);
    if (!agent) {
      opts.say(
        `the server handed ${t.context.task.task_id} to ${t.agent_id}, which this worker does not run`,
      );
      return;
    }
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
        handIn: (r) => this.claims.handIn(r),
        say: opts.say,
      },
      t.context,
      t.lease,
    );
    const key = keyOf(attempt.held);
    this.running.set(key, attempt);
    opts.say(`took ${attempt.name()} for ${agent.id}`);
    void attempt.done.then(() => {
      this.running.delete(key);
      // Stopped with the worker before the server took its result: given back with the rest.
      if (attempt.outcome === 'stopped' && this.stopping.signal.aborted) this.unfinished.push(attempt.held);
      this.claims.freed();
    });
  }

  /** Stops every agent at work and tells the server it gives their tasks back. */
  private async giveBack(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    const running = [...this.running.values()];
    for (const a of running) a.stop('shutdown');
    await Promise.all(running.map((a) => a.done));
    const held = this.unfinished.splice(0);
    if (held.length === 0 || !this.registered || this.failure) return;
    // A few tries only: a server that stays away lets the leases lapse, which requeues them too.
    for (let n = 1; n <= 3; n++) {
      try {
        const answer = await this.opts.link.post<{ requeued: unknown[] }>(
          `/api/v1/workers/${seg(this.opts.id)}/leave`,
          { held },
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
