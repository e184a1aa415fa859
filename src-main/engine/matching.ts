import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { MatchExplanation, RejectedCandidate, ScoreBreakdown } from '../../src-shared/schemas/run.ts';

/**
 * Seed 000's verify_task. A candidate has every required skill, is ONLINE or BUSY, and is
 * the pinned agent when the task pins one. Among candidates with free capacity the best
 * fit wins by this score (each part in 0..1, ties broken by agent id):
 *
 *   total = 0.4 · skill_fit + 0.25 · free_capacity + 0.15 · cost + 0.2 · success_rate
 *   skill_fit     = (required + 1) / (agent's skills + 1)   — 1 for an exact specialist
 *   free_capacity = free slots / max_concurrency
 *   cost          = 1 / (1 + cost_per_task)
 *   success_rate  = (successes + 1) / (attempts + 2) over the agent's recent attempts
 */
export type MatchResult =
  | { kind: 'assigned'; agent: Agent; explanation: MatchExplanation }
  | { kind: 'unassigned'; reason: string; explanation: MatchExplanation }
  | { kind: 'wait'; reason: string; explanation: MatchExplanation };

export const NO_AGENT_PREFIX = 'No qualified agent found: ';

export function missingSkills(agent: Agent, required: readonly string[]): string[] {
  const have = new Set(agent.skills);
  return required.filter((s) => !have.has(s));
}

export function scoreAgent(
  agent: Agent,
  required: readonly string[],
  load: number,
  successRate = 1,
): ScoreBreakdown {
  const skill_fit = (required.length + 1) / (new Set(agent.skills).size + 1);
  const free_capacity = Math.max(0, agent.max_concurrency - load) / agent.max_concurrency;
  const cost = 1 / (1 + agent.cost_per_task);
  const success_rate = Math.round(successRate * 10_000) / 10_000;
  const total = 0.4 * skill_fit + 0.25 * free_capacity + 0.15 * cost + 0.2 * successRate;
  return { skill_fit, free_capacity, cost, success_rate, total: Math.round(total * 10_000) / 10_000 };
}

export function matchAgent(
  task: Pick<TaskSpec, 'required_skills' | 'agent'>,
  agents: readonly Agent[],
  loadOf: (agentId: string) => number,
  successRateOf: (agentId: string) => number = () => 1,
): MatchResult {
  const rejected: RejectedCandidate[] = [];
  const eligible: { agent: Agent; score: ScoreBreakdown }[] = [];
  const full: Agent[] = [];
  let closest: { agent: Agent; missing: string[] } | undefined;

  for (const agent of agents) {
    if (task.agent && agent.id !== task.agent) {
      rejected.push({ agent_id: agent.id, reason: `task is pinned to "${task.agent}"` });
      continue;
    }
    const missing = missingSkills(agent, task.required_skills);
    if (missing.length > 0) {
      rejected.push({ agent_id: agent.id, reason: `lacks required skills: ${missing.join(', ')}` });
      if (!closest || missing.length < closest.missing.length) closest = { agent, missing };
      continue;
    }
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY') {
      rejected.push({ agent_id: agent.id, reason: `agent is ${agent.status}` });
      continue;
    }
    const load = loadOf(agent.id);
    if (load >= agent.max_concurrency) {
      rejected.push({ agent_id: agent.id, reason: `at capacity (${load}/${agent.max_concurrency})` });
      full.push(agent);
      continue;
    }
    eligible.push({ agent, score: scoreAgent(agent, task.required_skills, load, successRateOf(agent.id)) });
  }

  if (eligible.length > 0) {
    eligible.sort((a, b) => b.score.total - a.score.total || (a.agent.id < b.agent.id ? -1 : 1));
    const best = eligible[0]!;
    for (const other of eligible.slice(1)) {
      rejected.push({
        agent_id: other.agent.id,
        reason: `lower score (${other.score.total} < ${best.score.total})`,
      });
    }
    return {
      kind: 'assigned',
      agent: best.agent,
      explanation: { agent_id: best.agent.id, score: best.score, rejected },
    };
  }
  const explanation: MatchExplanation = { agent_id: null, score: null, rejected };
  if (full.length > 0) {
    return {
      kind: 'wait',
      reason: `Waiting for capacity: ${full.map((a) => `${a.id} (${loadOf(a.id)}/${a.max_concurrency})`).join(', ')}`,
      explanation,
    };
  }
  return { kind: 'unassigned', reason: NO_AGENT_PREFIX + noAgentReason(task, agents, closest), explanation };
}

function noAgentReason(
  task: Pick<TaskSpec, 'required_skills' | 'agent'>,
  agents: readonly Agent[],
  closest: { agent: Agent; missing: string[] } | undefined,
): string {
  if (task.agent && !agents.some((a) => a.id === task.agent))
    return `pinned agent "${task.agent}" is not registered.`;
  if (agents.length === 0) return 'no agents are registered.';
  if (closest) return `Agent lacks required skills: ${closest.missing.join(', ')}.`;
  const unavailable = agents.filter((a) => !task.agent || a.id === task.agent);
  return `no qualified agent is available (${unavailable.map((a) => `${a.id} is ${a.status}`).join(', ')}).`;
}
