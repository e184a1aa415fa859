import type { Agent } from '../../src-shared/schemas/agent.ts';
import { QUOTA_WAIT_PREFIX } from '../../src-shared/schemas/plain/usage-limit.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type {
  MatchExplanation,
  RejectedCandidate,
  ScoreBreakdown,
  SkillWinsPart,
} from '../../src-shared/schemas/run.ts';
import { smoothedRate } from '../../src-shared/schemas/skill-record.ts';
import type { AgentLimit } from '../../src-shared/schemas/usage-limit.ts';
import { limitedReason } from '../../src-shared/schemas/usage-limit.ts';
import { NONE_REJECTED, soleExplanation } from './shared-explanations.ts';

/**
 * verify_task, the build endpoint's matching of a task to its best-fit agent. A candidate has
 * every required skill, is ONLINE or BUSY, and is the pinned agent when the task pins one.
 * Among candidates with free capacity the best fit wins by this score (each part in 0..1, ties
 * broken by agent id):
 *
 *   total = (0.4 · skill_fit + 0.25 · free_capacity + 0.15 · cost + 0.2 · success_rate) · speed · skill_wins
 *   skill_fit     = (required + 1) / (agent's skills + 1)   — distinct skills; 1 for an exact specialist
 *   free_capacity = free slots / max_concurrency
 *   cost          = 1 / (1 + cost_per_task)
 *   success_rate  = (successes + 1) / (attempts + 2) over the agent's recent attempts
 *   speed         = the shortest expected time to finish among the candidates / this agent's;
 *                   expected = its recent average duration, plus the wait for a slot when it
 *                   is at capacity (average / max_concurrency: one of its slots frees first);
 *                   1 while unknown, so totals stay as they were until agents have a record
 *   skill_wins    = 1 + 0.4 · (wins − expected) / (candidacies + 2), within 0.8 … 1.2, over the
 *                   agent's best-of candidacies among other agents for tasks needing one of the
 *                   required skills (each skill shared counted; expected: one win in as many
 *                   agents as each attempt had): 1 for an agent that wins its share; 1, and
 *                   absent from the breakdown, while it has none, so a newcomer sits
 *                   between them and totals stay as they were until agents compete
 *
 * Agents this process runs (push) come first: an agent that pulls its work (a person, a
 * daemon) is offered a task only when no automated agent qualifies, at capacity or not. An
 * automated agent at capacity that would finish the task sooner than the best free one (both
 * durations known) and scores higher makes the task wait for it: instant work is not sent to a
 * slow agent because the fast one is busy for a moment.
 * The explanation names every registered agent: the chosen one with its score, every other
 * candidate with its score and why it lost, every other agent with why it is no candidate.
 */
export type MatchResult =
  | { kind: 'assigned'; agent: Agent; explanation: MatchExplanation }
  | { kind: 'unassigned'; reason: string; explanation: MatchExplanation }
  | { kind: 'wait'; reason: string; explanation: MatchExplanation };

export const NO_AGENT_PREFIX = 'No qualified agent found: ';

/** The required skills the agent lacks, each named once. */
export function missingSkills(agent: Agent, required: readonly string[]): readonly string[] {
  // Skill lists are short: scanning them beats building sets for each task and agent matched.
  let missing: string[] | null = null;
  for (const s of required) {
    if (agent.skills.includes(s) || missing?.includes(s)) continue;
    missing ??= [];
    missing.push(s);
  }
  return missing ?? NO_SKILLS;
}

const NO_SKILLS: readonly string[] = Object.freeze([]);

/** How many distinct names a short list holds. */
function distinct(list: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (list.indexOf(list[i]!) === i) n++;
  return n;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** How much the skill wins part can move a total: ±20 % (an agent that always won or always lost). */
export const SKILL_WINS_WEIGHT = 0.4;

/**
 * Best-of candidacies of an agent for some skills, against other agents; its wins; and the wins
 * an agent as good as its rivals would have had (one in as many agents as each attempt had).
 */
export interface WinCount {
  wins: number;
  candidacies: number;
  expected: number;
}

/**
 * The skill wins part of a score; null with no candidacy (the part is 1 and not shown). Wins
 * beyond (or short of) the expected share, smoothed by two candidacies, move the total by at
 * most a fifth: 1 + 0.4 · (wins − expected) / (candidacies + 2), within 0.8 … 1.2.
 */
export function skillWinsPart(count: WinCount | null): SkillWinsPart | null {
  if (!count || count.candidacies <= 0) return null;
  const rate = smoothedRate(count.wins, count.candidacies);
  const lead = (count.wins - count.expected) / (count.candidacies + 2);
  return {
    candidacies: count.candidacies,
    wins: count.wins,
    expected: round4(count.expected),
    rate: round4(rate),
    factor: round4(Math.min(1.2, Math.max(0.8, 1 + SKILL_WINS_WEIGHT * lead))),
  };
}

export function scoreAgent(
  agent: Agent,
  required: readonly string[],
  load: number,
  successRate = 1,
  time: { expected_ms: number | null; speed: number } = { expected_ms: null, speed: 1 },
  wins: WinCount | null = null,
): ScoreBreakdown {
  // Distinct skills on both sides: a plan that names a skill twice must not push the fit past 1.
  const skill_fit = (distinct(required) + 1) / (distinct(agent.skills) + 1);
  const free_capacity = Math.max(0, agent.max_concurrency - load) / agent.max_concurrency;
  const cost = 1 / (1 + agent.cost_per_task);
  const success_rate = round4(successRate);
  const base = 0.4 * skill_fit + 0.25 * free_capacity + 0.15 * cost + 0.2 * successRate;
  const part = skillWinsPart(wins);
  const expected_ms = time.expected_ms === null ? null : Math.round(time.expected_ms);
  const speed = round4(time.speed);
  const total = round4(base * time.speed * (part?.factor ?? 1));
  // Two literals, not a spread of the part: a spread made a slow object with its properties out of line.
  return part
    ? { skill_fit, free_capacity, cost, success_rate, expected_ms, speed, skill_wins: part, total }
    : { skill_fit, free_capacity, cost, success_rate, expected_ms, speed, total };
}

/** What an agent is expected to take to finish a task: its recent average, plus the wait for a slot at capacity. */
function expectedMs(averageMs: number | null, load: number, agent: Agent): number | null {
  if (averageMs === null) return null;
  return load >= agent.max_concurrency ? averageMs * (1 + 1 / agent.max_concurrency) : averageMs;
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
  /** Automated agents at capacity, scored as if the task waited for them (their `expected_ms` counts the wait). */
  fullPushScored: Scored[];
  /** Agents that would qualify but whose account is limited until its reset. */
  limited: { agent: Agent; limit: AgentLimit }[];
}

/** The limit an agent's account is under now, or null (`AgentLimits.limitOf`). */
export type LimitOf = (agent: Agent) => AgentLimit | null;
const noLimits: LimitOf = () => null;

/**
 * Each agent's record, for matching: its recent success rate, its average duration (null until
 * known), and its best-of candidacies and wins for some skills (null, or absent: none).
 */
export interface AgentRecord {
  successRate(agentId: string): number;
  averageMs(agentId: string): number | null;
  skillWins?(agentId: string, skills: readonly string[]): WinCount | null;
}

const NO_RECORD: AgentRecord = { successRate: () => 1, averageMs: () => null };

const never = (): boolean => false;

function assess(
  task: Task,
  agents: readonly Agent[],
  loadOf: (agentId: string) => number,
  record: AgentRecord,
  pulls: (agent: Agent) => boolean,
  limitOf: LimitOf,
): Assessment {
  const a: Assessment = {
    excluded: [],
    push: [],
    pull: [],
    fullPush: [],
    fullPull: [],
    fullPushScored: [],
    limited: [],
  };
  // The candidates' expected times first: each one's speed is measured against the fastest.
  const timed: { agent: Agent; load: number; expected: number | null; bucket: Scored[] }[] = [];
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
    const limit = limitOf(agent);
    if (limit !== null) {
      a.excluded.push({ agent_id: agent.id, reason: limitedReason(limit) });
      a.limited.push({ agent, limit });
      continue;
    }
    const load = loadOf(agent.id);
    const pull = pulls(agent);
    const expected = expectedMs(record.averageMs(agent.id), load, agent);
    if (load >= agent.max_concurrency) {
      a.excluded.push({ agent_id: agent.id, reason: `at capacity (${load}/${agent.max_concurrency})` });
      (pull ? a.fullPull : a.fullPush).push(agent);
      if (!pull && expected !== null) timed.push({ agent, load, expected, bucket: a.fullPushScored });
      continue;
    }
    timed.push({ agent, load, expected, bucket: pull ? a.pull : a.push });
  }
  // Automated agents are timed against each other, people and daemons against each other.
  let fastestPush = Number.POSITIVE_INFINITY;
  let fastestPull = Number.POSITIVE_INFINITY;
  for (const t of timed) {
    if (t.expected === null) continue;
    if (t.bucket === a.pull) fastestPull = Math.min(fastestPull, t.expected);
    else fastestPush = Math.min(fastestPush, t.expected);
  }
  for (const t of timed) {
    const fastestHere = t.bucket === a.pull ? fastestPull : fastestPush;
    // A zero average (a clock too coarse for instant work) counts as 1 ms.
    const speed = t.expected === null ? 1 : Math.max(1, fastestHere) / Math.max(1, t.expected);
    const score = scoreAgent(
      t.agent,
      task.required_skills,
      t.load,
      record.successRate(t.agent.id),
      { expected_ms: t.expected, speed },
      record.skillWins?.(t.agent.id, task.required_skills) ?? null,
    );
    t.bucket.push({ agent: t.agent, score });
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

/**
 * An automated agent at capacity worth waiting for: it is expected to finish the task sooner
 * than the best free candidate (both durations known) and scores higher. Null otherwise.
 */
function soonerAtCapacity(a: Assessment): { full: Scored; free: Scored } | null {
  if (a.fullPushScored.length === 0) return null;
  const free = a.push.reduce((x, y) => (byScore(x, y) <= 0 ? x : y));
  if (free.score.expected_ms === null) return null;
  let full: Scored | null = null;
  for (const f of a.fullPushScored)
    if (
      f.score.expected_ms! < free.score.expected_ms &&
      f.score.total > free.score.total &&
      (!full || byScore(f, full) < 0)
    )
      full = f;
  return full && { full, free };
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
  record: AgentRecord = NO_RECORD,
  pulls: (agent: Agent) => boolean = never,
  limitOf: LimitOf = noLimits,
): MatchResult {
  const a = assess(task, agents, loadOf, record, pulls, limitOf);
  // Candidates that lost come first, then the agents that were none.
  const lost: RejectedCandidate[] = [];
  const rejected = (): RejectedCandidate[] =>
    lost.length > 0 ? lost.concat(a.excluded) : a.excluded.length > 0 ? a.excluded : NONE_REJECTED;
  if (a.push.length > 0) {
    const sooner = soonerAtCapacity(a);
    if (sooner) {
      const { full, free } = sooner;
      lost.push({
        agent_id: free.agent.id,
        reason: `${full.agent.id} is expected to finish it sooner once free (~${full.score.expected_ms} ms, here ~${free.score.expected_ms} ms)`,
        score: free.score,
      });
      return {
        kind: 'wait',
        reason: `Waiting for ${full.agent.id}: expected to finish it sooner (~${full.score.expected_ms} ms) than ${free.agent.id} (~${free.score.expected_ms} ms)`,
        explanation: { agent_id: null, score: null, rejected: rejected() },
      };
    }
    const best = pickBest(a.push, lost);
    if (a.pull.length > 0)
      passOver(a.pull, `passed over because an automated agent qualified (${best.agent.id})`, lost);
    const others = rejected();
    return {
      kind: 'assigned',
      agent: best.agent,
      explanation:
        others === NONE_REJECTED
          ? soleExplanation(best.agent.id, best.score)
          : { agent_id: best.agent.id, score: best.score, rejected: others },
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
  if (a.limited.length > 0) {
    // Every agent that could take it is limited: it waits for the first reset, not unassigned.
    const first = a.limited.reduce((x, y) => (Date.parse(y.limit.until) < Date.parse(x.limit.until) ? y : x));
    return {
      kind: 'wait',
      reason: `${QUOTA_WAIT_PREFIX}${first.limit.until}: ${few(a.limited.map((l) => l.agent.id))} limited (${first.limit.message})`,
      explanation,
    };
  }
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
 * Why `taker` has a task it pulled (the pull API's execute), and why not the others: its score,
 * the other candidates with theirs (the task was not theirs to take first), the rest with why.
 */
export function explainPulled(
  task: Task,
  agents: readonly Agent[],
  taker: Agent,
  loadOf: (agentId: string) => number,
  record: AgentRecord,
  /** Why the other candidates did not get it: the taker pulled it first, unless a person handed it over. */
  lostBecause = `${taker.id} pulled it first`,
  limitOf: LimitOf = noLimits,
): MatchExplanation {
  const a = assess(task, agents, loadOf, record, never, limitOf);
  let score: ScoreBreakdown | null = null;
  const lost: RejectedCandidate[] = [];
  for (const c of a.push) {
    if (c.agent.id === taker.id) score = c.score;
    else lost.push({ agent_id: c.agent.id, reason: lostBecause, score: c.score });
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
function lackedByAll(required: readonly string[], agents: readonly Agent[]): readonly string[] {
  const held = new Set(agents.flatMap((a) => a.skills));
  const nowhere = [...new Set(required)].filter((s) => !held.has(s));
  if (nowhere.length > 0) return nowhere;
  let closest: readonly string[] | undefined;
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
