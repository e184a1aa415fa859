import type { Handoff, PersonTask, TeamPerson, TeamTasks } from '../../src-shared/contract/domains/work.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { Approvals } from './approvals/approvals.ts';
import type { RunLeases } from './leases.ts';
import { missingSkills } from './matching.ts';
import type { RunHolds } from './run-holds.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import { stopFlight, taskOf } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';

/** The most waiting tasks the team view lists. */
const TEAM_LIMIT = 500;

/** Who asked for a handoff when the call does not say (as `runs.cancel` records). */
const SOMEONE = 'user';

export interface Reassignment {
  run_id: string;
  task_id: string;
  /** The person (human agent) who takes the task. */
  to_agent_id: string;
  actor?: string | undefined;
  note?: string | undefined;
}

export interface GiveBack {
  agent_id: string;
  run_id: string;
  task_id: string;
  /** The attempt given back; another than the task's current one is refused. */
  attempt?: number | undefined;
  actor?: string | undefined;
  note?: string | undefined;
}

/**
 * Work handed between people, beside the pull API: the team's view (every task waiting for a
 * person, every task a person holds), a task reassigned to another person, and a task given back
 * to the queue. Each change is one transaction through the task's state machine
 * (`RunWriter.setStatus`), with its audit entry naming who made it; the attempt a holder loses
 * is kept as `given_back`, never failed.
 */
export class PersonHandoffs {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private readonly approvals: Approvals;
  private readonly flow: TaskFlow;
  private readonly holds: RunHolds;
  private readonly loader: RunLoader;
  private readonly leases: RunLeases;
  private readonly writer: RunWriter;

  constructor(
    rt: Runtime,
    parts: {
      agents: AgentDirectory;
      approvals: Approvals;
      flow: TaskFlow;
      holds: RunHolds;
      loader: RunLoader;
      leases: RunLeases;
      writer: RunWriter;
    },
  ) {
    this.rt = rt;
    this.agents = parts.agents;
    this.approvals = parts.approvals;
    this.flow = parts.flow;
    this.holds = parts.holds;
    this.loader = parts.loader;
    this.leases = parts.leases;
    this.writer = parts.writer;
  }

  /** The people (human agents), the tasks waiting for one of them, and the tasks they hold. */
  team(): TeamTasks {
    this.agents.refresh();
    const people = [...this.agents.all().values()].filter((e) => e.agent.kind === 'human');
    const canTake = (skills: readonly string[], pin: string | undefined) =>
      people
        .filter((p) => (!pin || pin === p.agent.id) && skills.every((s) => p.skills.has(s)))
        .map((p) => p.agent.id);
    const tasks: PersonTask[] = [];
    const now = this.rt.clock.now();
    for (const { task } of this.rt.queue.list(now, (g) => canTake(g.skills, g.pin).length > 0, TEAM_LIMIT)) {
      const run = this.rt.active.get(task.runId)!;
      const spec = run.specs.get(task.taskId)!;
      const row = run.tasks.get(task.taskId)!;
      tasks.push({
        ...this.described(run, row),
        status: 'ready',
        held_by: null,
        people: canTake(spec.required_skills, spec.agent),
        since: row.updated_at,
      });
    }
    const humans = new Set(people.filter((p) => this.rt.loadOf(p.agent.id) > 0).map((p) => p.agent.id));
    if (humans.size > 0)
      for (const run of this.rt.active.values())
        for (const t of run.tasks.values())
          if (t.status === 'in_progress' && t.agent_id !== null && humans.has(t.agent_id))
            tasks.push({
              ...this.described(run, t),
              status: 'in_progress',
              held_by: t.agent_id,
              people: [t.agent_id],
              since: t.started_at,
            });
    return {
      people: people.map(({ agent }) => personOf(agent, this.rt.loadOf(agent.id))),
      tasks,
    };
  }

  private described(run: ActiveRun, t: TaskRun): Omit<PersonTask, 'status' | 'held_by' | 'people' | 'since'> {
    const spec = run.specs.get(t.task_id)!;
    return {
      run_id: run.id,
      plan_id: run.plan.plan_id,
      task_id: t.task_id,
      description: spec.description,
      required_skills: spec.required_skills,
      priority: spec.priority,
      deadline: spec.deadline ?? null,
      attempt: t.attempt,
    };
  }

  /**
   * Hands a task waiting for a person, or held by one, to another person who has its skills: it
   * is theirs at once (a new attempt, in progress), unless an approval stops it first. Refused,
   * with the reason, for a task no person waits on or holds, and for someone who is not a person,
   * lacks a skill, is away or holds as many tasks as they may.
   */
  reassign(r: Reassignment): Handoff {
    const actor = r.actor ?? SOMEONE;
    const target = this.agents.entry(r.to_agent_id).agent;
    if (target.kind !== 'human')
      throw new AppError(
        'invalid_input',
        `${target.id} is an agent of kind ${target.kind}, not a person: a task is reassigned to a person (a human agent)`,
      );
    const run = this.leases.activeRun(r.run_id);
    const task = taskOf(run, r.task_id);
    const spec = run.specs.get(r.task_id)!;
    const holder = task.status === 'in_progress' ? this.agents.of(task.agent_id) : undefined;
    if (task.status === 'in_progress') {
      if (holder?.kind !== 'human')
        throw new AppError(
          'conflict',
          `${r.task_id} is being done by ${task.agent_id ?? 'an agent'}, not a person: only a task waiting for a person, or held by one, is reassigned`,
        );
      if (holder.id === target.id) throw new AppError('conflict', `${target.id} already holds ${r.task_id}`);
    } else if (task.status === 'ready') {
      if (!this.rt.queue.has(run.id, r.task_id))
        throw new AppError(
          'conflict',
          `${r.task_id} is waiting ${task.retry_at ? 'to be retried' : 'for something else'}, not for a person to take it`,
        );
    } else {
      throw new AppError(
        'conflict',
        `${r.task_id} is ${task.status.replace('_', ' ')}: only a task waiting for a person, or held by one, is reassigned`,
      );
    }
    const missing = missingSkills(target, spec.required_skills);
    if (missing.length > 0)
      throw new AppError(
        'conflict',
        `${target.id} lacks ${missing.join(', ')}, which ${r.task_id} needs: hand it to someone who has ${missing.length === 1 ? 'it' : 'them'}, or add ${missing.length === 1 ? 'the skill' : 'the skills'} to ${target.id} on the Agents screen`,
      );
    const pinned = spec.agent ? this.agents.of(spec.agent) : undefined;
    if (spec.agent && spec.agent !== target.id && pinned?.kind !== 'human')
      throw new AppError('conflict', `${r.task_id} is pinned to the agent ${spec.agent} by its plan`);
    if (target.status !== 'ONLINE' && target.status !== 'BUSY')
      throw new AppError('conflict', `${target.id} is ${target.status}: they take no tasks now`);
    const load = this.rt.loadOf(target.id);
    if (load >= target.max_concurrency)
      throw new AppError(
        'conflict',
        `${target.id} already holds ${load} task${load === 1 ? '' : 's'}, as many as they take at once (${target.max_concurrency})`,
      );
    const from = holder?.id ?? null;
    const note = r.note ? `: ${r.note}` : '';
    const why = `handed to ${target.id} by ${actor}${from ? ` (${from} held it)` : ''}${spec.agent && spec.agent !== target.id ? ` though the plan pins it to ${spec.agent}` : ''}${note}`;
    let gated = false;
    this.loader.tx(() => {
      if (from) this.takeBack(run, task, actor, `reassigned to ${target.id} by ${actor}${note}`);
      else this.rt.queue.remove(run.id, r.task_id);
      gated = this.approvals.gateBeforeStart(run, task, spec, target);
      if (gated) return;
      this.flow.assign(
        run,
        task,
        target,
        this.agents.explainPulled(spec, target, `${actor} handed it to ${target.id}`),
        {
          actor,
          why,
        },
      );
      this.holds.holdPulled(run, task);
    });
    this.rt.schedule();
    return { task: { ...task }, from, status: task.status };
  }

  /**
   * The agent gives back a task it holds: its attempt ends as given back, and the task waits in
   * the queue again (or for an approval it needs) for whoever takes it next.
   */
  giveBack(g: GiveBack): Handoff {
    const actor = g.actor ?? g.agent_id;
    this.agents.entry(g.agent_id);
    const run = this.leases.activeRun(g.run_id);
    const task = taskOf(run, g.task_id);
    if (task.status !== 'in_progress' || task.agent_id !== g.agent_id)
      throw new AppError(
        'conflict',
        `${g.agent_id} does not hold ${g.task_id} (it is ${task.status.replace('_', ' ')}${task.agent_id && task.status === 'in_progress' ? `, held by ${task.agent_id}` : ''}): only the one holding a task gives it back`,
      );
    if (g.attempt !== undefined && g.attempt !== task.attempt)
      throw new AppError(
        'conflict',
        `Attempt ${g.attempt} of ${g.task_id} was given up; the task is on attempt ${task.attempt}`,
      );
    const note = g.note ? `: ${g.note}` : '';
    this.loader.tx(() => {
      this.takeBack(run, task, actor, `given back by ${actor}${note}`);
      this.flow.enqueueOrGate(run, task);
    });
    this.rt.schedule();
    return { task: { ...task }, from: g.agent_id, status: task.status };
  }

  /**
   * The holder's attempt ends as given back (kept, not failed), its place and cost in flight let
   * go; the task is ready again, the audit entry naming who did it and why.
   */
  private takeBack(run: ActiveRun, task: TaskRun, actor: string, why: string): void {
    const flight = run.inflight.get(task.task_id);
    if (flight) stopFlight(flight, why);
    run.inflight.delete(task.task_id);
    this.holds.release(run, task);
    this.writer.keepAttempt(task, 'given_back', why);
    this.writer.setStatus(
      run,
      task,
      'ready',
      { reason: `${why}; waiting for someone to take it`, progress: null, progress_message: null },
      actor,
      why,
    );
  }
}

function personOf(agent: Agent, holds: number): TeamPerson {
  return {
    id: agent.id,
    name: agent.name ?? null,
    status: agent.status,
    skills: agent.skills,
    holds,
    max_concurrency: agent.max_concurrency,
  };
}
