import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { MatchExplanation, RejectedCandidate, ScoreBreakdown } from '../../src-shared/schemas/run.ts';

/**
 * Seed 000's verify_task. A candidate has every required skill, is ONLINE or BUSY, and is
 * the pinned agent when the task pins one. Among candidates with free capacity the best
 * fit wins by this score (each part in 0..1, ties broken by agent id):
 *
 *   total = 0.4 · skill_fit + 0.25 · free_capacity + 0.15 · cost + 0.2 · success_rate
 *   skill_fit     = (required + 1) / (agent's skills + 1)   — distinct skills; 1 for an exact specialist
 *   free_capacity = free slots / max_concurrency
 *   cost          = 1 / (1 + cost_per_task)
 *   success_rate  = (successes + 1) / (attempts + 2) over the agent's recent attempts
 *
 * Agents this process runs (push) come first: an agent that pulls its work (a person, a
 * daemon) is offered a task only when no automated agent qualifies, at capacity or not.
 * The explanation names every registered agent: the chosen one with its score, every other
 * candidate with its score and why it lost, every other agent with why it is no candidate.
 */
export type MatchResult =
  | { kind: 'assigned'; agent: Agent; explanation: MatchExplanation }
  | { kind: 'unassigned'; reason: string; explanation: MatchExplanation }
  | { kind: 'wait'; reason: string; explanation: MatchExplanation };

export const NO_AGENT_PREFIX = 'No qualified agent found: ';

/** The required skills the agent lacks, each named once. */
export function missingSkills(agent: Agent, required: readonly string[]): string[] {
  const have = new Set(agent.skills);
  return [...new Set(required)].filter((s) => !have.has(s));
}

export function scoreAgent(
  agent: Agent,
  required: readonly string[],
  load: number,
  successRate = 1,
): ScoreBreakdown {
  // Distinct skills on both sides: a plan that names a skill twice must not push the fit past 1.
  const skill_fit = (new Set(required).size + 1) / (new Set(agent.skills).size + 1);
  const free_capacity = Math.max(0, agent.max_concurrency - load) / agent.max_concurrency;
  const cost = 1 / (1 + agent.cost_per_task);
  const success_rate = Math.round(successRate * 10_000) / 10_000;
  const total = 0.4 * skill_fit + 0.25 * free_capacity + 0.15 * cost + 0.2 * successRate;
  return { skill_fit, free_capacity, cost, success_rate, total: Math.round(total * 10_000) / 10_000 };
}

type Task = Pick<TaskSpec, 'required_skills' | 'agent'>;

interface Scored {
  agent: Agent;
  score: ScoreBreakdown;
}

/** Every agent sorted into candidates (push or pull, free or full) and the rest, with why. */
interface Assessment {
  /** Agents that are no candidate (the ones at capacity included), with the reason. */
  excluded: RejectedCandidate[];
  push: Scored[];
  pull: Scored[];
  fullPush: Agent[];
  fullPull: Agent[];
}

const never = (): boolean => false;

function assess(
  task: Task,
  agents: readonly Agent[],
  loadOf: (agentId: string) => number,
  successRateOf: (agentId: string) => number,
  pulls: (agent: Agent) => boolean,
): Assessment {
  const a: Assessment = { excluded: [], push: [], pull: [], fullPush: [], fullPull: [] };
  for (const agent of agents) {
    if (task.agent && agent.id !== task.agent) {
      a.excluded.push({ agent_id: agent.id, reason: `task is pinned to "${task.agent}"` });
      continue;
    }
    const missing = missingSkills(agent, task.required_skills);
    if (missing.length > 0) {
      a.excluded.push({ agent_id: agent.id, reason: `lacks required skills: ${missing.join(', ')}` });
      continue;
    }
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY') {
      a.excluded.push({ agent_id: agent.id, reason: `agent is ${agent.status}` });
      continue;
    }
    const load = loadOf(agent.id);
    if (load >= agent.max_concurrency) {
      a.excluded.push({ agent_id: agent.id, reason: `at capacity (${load}/${agent.max_concurrency})` });
      (pulls(agent) ? a.fullPull : a.fullPush).push(agent);
      continue;
    }
    const scored = { agent, score: scoreAgent(agent, task.required_skills, load, successRateOf(agent.id)) };
    (pulls(agent) ? a.pull : a.push).push(scored);
  }
  return a;
}

const byScore = (a: Scored, b: Scored): number =>
  b.score.total - a.score.total || (a.agent.id < b.agent.id ? -1 : 1);

/** The best of `scored` (sorted in place); the others are recorded as losing to it on score. */
function pickBest(scored: Scored[], rejected: RejectedCandidate[]): Scored {
  if (scored.length > 1) scored.sort(byScore);
  const best = scored[0]!;
  for (let i = 1; i < scored.length; i++) {
    const other = scored[i]!;
    rejected.push({
      agent_id: other.agent.id,
      reason: `lower score (${other.score.total} < ${best.score.total})`,
      score: other.score,
    });
  }
  return best;
}

/** Agents that pull their work and could take the task, passed over for an automated one. */
function passOver(pull: Scored[], reason: string, rejected: RejectedCandidate[]): void {
  for (const p of pull) rejected.push({ agent_id: p.agent.id, reason, score: p.score });
}

const capacityOf = (full: Agent[], loadOf: (agentId: string) => number): string =>
  full.map((a) => `${a.id} (${loadOf(a.id)}/${a.max_concurrency})`).join(', ');

/**
 * The agent for a task, or why there is none yet. `pulls` says which agents take their work
 * through the pull API (a person, a daemon): a task only they can take waits for them.
 */
export function matchAgent(
  task: Task,
  agents: readonly Agent[],
  loadOf: (agentId: string) => number,
  successRateOf: (agentId: string) => number = () => 1,
  pulls: (agent: Agent) => boolean = never,
): MatchResult {
  const a = assess(task, agents, loadOf, successRateOf, pulls);
  // Candidates that lost come first, then the agents that were none.
  const lost: RejectedCandidate[] = [];
  const rejected = (): RejectedCandidate[] => (lost.length === 0 ? a.excluded : lost.concat(a.excluded));
  if (a.push.length > 0) {
    const best = pickBest(a.push, lost);
    if (a.pull.length > 0)
      passOver(a.pull, `passed over because an automated agent qualified (${best.agent.id})`, lost);
    return {
      kind: 'assigned',
      agent: best.agent,
      explanation: { agent_id: best.agent.id, score: best.score, rejected: rejected() },
    };
  }
  if (a.fullPush.length > 0) {
    const busy = capacityOf(a.fullPush, loadOf);
    if (a.pull.length > 0)
      passOver(
        a.pull,
        `passed over because an automated agent qualified; the task waits for capacity: ${busy}`,
        lost,
      );
    return {
      kind: 'wait',
      reason: `Waiting for capacity: ${busy}`,
      explanation: { agent_id: null, score: null, rejected: rejected() },
    };
  }
  if (a.pull.length > 0) {
    const best = pickBest(a.pull, lost);
    return {
      kind: 'wait',
      reason: `Waiting for ${best.agent.id} to pull it`,
      explanation: { agent_id: best.agent.id, score: best.score, rejected: rejected() },
    };
  }
  const explanation: MatchExplanation = { agent_id: null, score: null, rejected: a.excluded };
  if (a.fullPull.length > 0) {
    return {
      kind: 'wait',
      reason: `Waiting for capacity of an agent that pulls its work: ${capacityOf(a.fullPull, loadOf)}`,
      explanation,
    };
  }
  return {
    kind: 'unassigned',
    reason: NO_AGENT_PREFIX + noAgentReason(task, agents),
    explanation,
  };
}

/**
 * Why `taker` has a task it pulled (seed 004 executeTask), and why not the others: its score,
 * the other candidates with theirs (the task was not theirs to take first), the rest with why.
 */
export function explainPulled(
  task: Task,
  agents: readonly Agent[],
  taker: Agent,
  loadOf: (agentId: string) => number,
  successRateOf: (agentId: string) => number,
): MatchExplanation {
  const a = assess(task, agents, loadOf, successRateOf, never);
  let score: ScoreBreakdown | null = null;
  const lost: RejectedCandidate[] = [];
  for (const c of a.push) {
    if (c.agent.id === taker.id) score = c.score;
    else lost.push({ agent_id: c.agent.id, reason: `${taker.id} pulled it first`, score: c.score });
  }
  return { agent_id: taker.id, score, rejected: lost.concat(a.excluded) };
}

/**
 * Why no agent can take a task that does not wait. The seed's wording ("Agent lacks required
 * skills: …") only when no agent has every required skill; when some have them, the reason
 * names them and why they cannot take it: they are AWAY or OFFLINE, or the task is pinned to
 * another agent. (At capacity, or pulling their work, they would have made the task wait.)
 */
function noAgentReason(task: Task, agents: readonly Agent[]): string {
  const pinned = task.agent ? agents.find((a) => a.id === task.agent) : undefined;
  if (task.agent && !pinned) return `pinned agent "${task.agent}" is not registered.`;
  if (agents.length === 0) return 'no agents are registered.';
  const skilled = agents.filter((a) => missingSkills(a, task.required_skills).length === 0);
  if (pinned) {
    const missing = missingSkills(pinned, task.required_skills);
    if (missing.length === 0) return `pinned agent "${pinned.id}" is ${pinned.status}.`;
    if (skilled.length === 0) return `Agent lacks required skills: ${missing.join(', ')}.`;
    return `pinned agent "${pinned.id}" lacks required skills: ${missing.join(', ')} (${few(skilled.map((a) => a.id))} ${skilled.length === 1 ? 'has' : 'have'} them).`;
  }
  if (skilled.length === 0)
    return `Agent lacks required skills: ${lackedByAll(task.required_skills, agents).join(', ')}.`;
  const why = skilled.map((a) => `${a.id} is ${a.status}`);
  const who = task.required_skills.length > 0 ? 'every agent with the required skills' : 'every agent';
  return `${who} is unavailable (${few(why)}).`;
}

/**
 * The required skills no agent has. When each is some agent's, though no agent has them all,
 * the skills the closest agent lacks: the seed's wording speaks of one agent.
 */
function lackedByAll(required: readonly string[], agents: readonly Agent[]): string[] {
  const held = new Set(agents.flatMap((a) => a.skills));
  const nowhere = [...new Set(required)].filter((s) => !held.has(s));
  if (nowhere.length > 0) return nowhere;
  let closest: string[] | undefined;
  for (const agent of agents) {
    const missing = missingSkills(agent, required);
    if (!closest || missing.length < closest.length) closest = missing;
  }
  return closest!;
}

/** A list for a sentence, cut short: a reason may be shown with hundreds of agents registered. */
function few(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
