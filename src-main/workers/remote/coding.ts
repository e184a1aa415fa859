import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreparedContext } from '../../../src-shared/contract/domains/work.ts';
import type { Agent, AgentOf, CodingAgent } from '../../../src-shared/schemas/agent.ts';
import type { TaskSession, Workspace } from '../../../src-shared/schemas/workspace.ts';
import { needsWorkspace, removeWorktree, taskBranch, workspaceMoved } from '../../agents/coding/index.ts';
import { attemptMarker } from '../../engine/attempt-leftovers.ts';
import type { CodingContext, ResumeRequest, SessionNote } from '../../engine/executor.ts';
import { PROCESS_SCOPE } from '../../processes/attempt-scope.ts';
import { seg } from './server-link.ts';

/** A worker has no record of what a resumed CLI session spent before (the server keeps the steps). */
const NOTHING_SPENT = { usd: null, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };

/**
 * Coding agents on a worker: each task's worktree and the CLI's session live on this machine,
 * under `<data dir>/worktrees/<run>/<task>/` (`tree/` the worktree of the workspace's repository
 * on branch `baton/<run>/<task>`, `home/` the CLI's own config, `session.json` what the app keeps
 * in `task_sessions`). The server is told what the app's own attempts tell it besides: the steps
 * (streamed), and with the completion the result (branch, commit, start commit, files with +/-,
 * the CLI's session id) and the `changes.diff` artifact. The worktree's folder and the CLI's home
 * are this machine's business: they never go to the server.
 */
export class WorkerWorktrees {
  private readonly root: string;
  private readonly workerId: string;
  readonly workspaces: ReadonlyMap<string, Workspace>;
  /** This worker's agents: a best-of task's candidates and judge are taken from them. */
  private readonly agents: readonly Agent[];

  constructor(
    workDir: string,
    workerId: string,
    workspaces: ReadonlyMap<string, Workspace>,
    agents: readonly Agent[] = [],
  ) {
    this.root = join(workDir, 'worktrees');
    this.workerId = workerId;
    this.workspaces = workspaces;
    this.agents = agents;
  }

  private taskDir(runId: string, taskId: string): string {
    return join(this.root, seg(runId), seg(taskId));
  }

  /**
   * Where the attempt works and whether it resumes, as the coding kind's `prepare` says it in the app; or
   * why it cannot run here (no workspace, one this worker does not have, changes requested of a
   * task whose worktree is on another machine).
   */
  context(ctx: PreparedContext, agent: CodingAgent): CodingContext | { error: string } {
    const runId = ctx.run.id;
    const taskId = ctx.task.task_id;
    const workspaceId = ctx.workspace;
    if (workspaceId === undefined) return { error: needsWorkspace(taskId, agent.id) };
    const workspace = this.workspaces.get(workspaceId);
    if (!workspace) {
      const known = [...this.workspaces.keys()];
      return {
        error: `workspace "${workspaceId}" is not one of worker ${this.workerId}'s: its --workspaces file names ${known.length > 0 ? known.map((k) => `"${k}"`).join(', ') : 'none'}`,
      };
    }
    const session = this.session(runId, taskId);
    if (session && session.workspace_id !== workspace.id)
      return { error: workspaceMoved(taskId, session.workspace_id, workspace.id) };
    let resume: ResumeRequest | null = null;
    if (ctx.resume) {
      if (!session)
        return {
          error: `changes were requested on task "${taskId}"'s diff, but its worktree and session are not on worker ${this.workerId}: the attempt before ran on another machine, so this one cannot go on with it (run the task on that worker again, or start the task over)`,
        };
      // Only the agent whose CLI holds the session resumes it; another starts its own in the worktree.
      resume = { ...ctx.resume, session_id: session.agent_id === agent.id ? session.session_id : null };
    }
    const bestOf = resume === null ? this.bestOf(ctx, agent) : null;
    if (bestOf && 'error' in bestOf) return bestOf;
    const dir = this.taskDir(runId, taskId);
    return {
      workspace,
      dir: session?.dir ?? join(dir, 'tree'),
      branch: session?.branch ?? taskBranch(runId, taskId),
      home: session?.home ?? join(dir, 'home'),
      session,
      resume,
      prior: NOTHING_SPENT,
      // Its own scope: what a worker starts is found by its watcher, never by a Baton's data directory.
      marker: attemptMarker(PROCESS_SCOPE, runId, taskId, ctx.attempt),
      // "ask": a person resolves it in this worktree, asked in the server's inbox (asks.ts).
      on_conflict: ctx.task.on_conflict ?? 'fail',
      // A worker parks no worktrees: a done task's goes (`release`).
      pool: null,
      best_of: bestOf,
    };
  }

  /**
   * A task with `attempts` of 2 or more: its candidates run here, side by side, each on one of
   * this worker's coding agents (its `candidates` in turn, else its agent each time), ranked with
   * this worker's `llm` judge if the task names one. The ranking goes to the server with the
   * result (`best_of` on the output), which records it. Null for one attempt; an error naming
   * the agent when one is not this worker's.
   */
  private bestOf(ctx: PreparedContext, agent: CodingAgent): CodingContext['best_of'] | { error: string } {
    const n = ctx.task.attempts ?? 1;
    if (n < 2) return null;
    const mine = (id: string) => this.agents.find((a) => a.id === id);
    const ids = ctx.task.candidates ?? [agent.id];
    const agents: AgentOf<'coding'>[] = [];
    for (let i = 0; i < n; i++) {
      const id = ids[i % ids.length]!;
      const a = id === agent.id ? agent : mine(id);
      if (a?.kind !== 'coding')
        return {
          error: `task "${ctx.task.task_id}" names "${id}" in candidates, which is not a coding agent of worker ${this.workerId}: a best-of task on a worker runs all its candidates there (its agents file names ${this.names('coding')})`,
        };
      agents.push(a);
    }
    let judge: AgentOf<'llm'> | null = null;
    if (ctx.task.judge !== undefined) {
      const j = mine(ctx.task.judge);
      if (j?.kind !== 'llm')
        return {
          error: `task "${ctx.task.task_id}" names "${ctx.task.judge}" as its judge, which is not an llm agent of worker ${this.workerId}: the judge of a best-of task on a worker runs there (its agents file names ${this.names('llm')})`,
        };
      judge = j;
    }
    return { agents, judge };
  }

  private names(kind: Agent['kind']): string {
    const ids = this.agents.filter((a) => a.kind === kind).map((a) => `"${a.id}"`);
    return ids.length > 0 ? `${kind} agents ${ids.join(', ')}` : `no ${kind} agent`;
  }

  /** The executor told the task's session (its worktree, then its CLI's session id): kept for the next attempt. */
  noteSession(ctx: PreparedContext, agentId: string, note: SessionNote): void {
    const session: TaskSession = {
      run_id: ctx.run.id,
      task_id: ctx.task.task_id,
      agent_id: agentId,
      ...note,
      attempt: ctx.attempt,
      state: 'active',
      updated_at: new Date().toISOString(),
    };
    this.write(session);
  }

  private write(session: TaskSession): void {
    const dir = this.taskDir(session.run_id, session.task_id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written whole, then renamed: a worker killed mid-write leaves the session before, never half of one.
    const file = join(dir, 'session.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(session, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /**
   * The task is done: its worktree is removed (the branch stays), its session marked so. A
   * failure is said: the worktree stays, nothing else depends on it.
   */
  async release(ctx: PreparedContext, coding: CodingContext, say: (line: string) => void): Promise<void> {
    try {
      await removeWorktree({ repo: coding.workspace.path, dir: coding.dir });
      const session = this.session(ctx.run.id, ctx.task.task_id);
      if (session) this.write({ ...session, state: 'removed', updated_at: new Date().toISOString() });
    } catch (err) {
      say(
        `task ${ctx.task.task_id} (run ${ctx.run.id}): could not remove its worktree ${coding.dir}: ${(err as Error).message}`,
      );
    }
  }

  /** The task's session on this worker, if an attempt of it worked here. */
  session(runId: string, taskId: string): TaskSession | null {
    try {
      return JSON.parse(
        readFileSync(join(this.taskDir(runId, taskId), 'session.json'), 'utf8'),
      ) as TaskSession;
    } catch {
      return null;
    }
  }
}
