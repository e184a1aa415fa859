import type { SkillMatch } from '../../../src-shared/contract/domains/scope.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import type { SkilledAgent } from './agent-skills.ts';
import type { GoalStep } from './goal-splitter.ts';
import { asAction, splitGoal } from './goal-splitter.ts';
import { planIdOf, planNameOf } from './plan-naming.ts';
import { DEFAULT_SKILL_KEYWORDS, escapeRegExp } from './skill-keywords.ts';
import type { Wanted } from './skill-matcher.ts';
import { matchSkill, matchText } from './skill-matcher.ts';

export interface DraftOptions {
  plan_id?: string | undefined;
  project_id?: string | undefined;
  keywords?: Readonly<Record<string, readonly string[]>> | undefined;
  /**
   * The registered agents: a step gets a skill one of them has (the very one, their name for it,
   * or the closest), or none, said so. Without them, the keyword table's general names are used.
   */
  agents?: readonly SkilledAgent[] | undefined;
  /** Whether a plan has this id already: the drafted id is made unique ("-2"). */
  taken?: ((id: string) => boolean) | undefined;
}

export interface Draft {
  plan: PlanInput;
  /** How the goal was read, for the person reviewing the draft. */
  notes: string[];
  /** How each task got its skill. */
  matches: SkillMatch[];
}

/**
 * Rule-based scope: a goal sentence into a draft plan. `splitGoal` finds the steps and which run
 * side by side ("research laptops and research phones, then write a comparison": the two
 * researches, then the comparison using both); each step's action is matched to a skill a
 * registered agent has (`matchSkill`), never one none has; the id is a readable slug of the goal,
 * unique among the stored plans, and the name a short title.
 */
export function draftPlan(goal: string, opts: DraftOptions = {}): Draft {
  const keywords = opts.keywords ?? DEFAULT_SKILL_KEYWORDS;
  const agents = opts.agents ?? [];
  const split = { keywords, skills: agents.flatMap((a) => a.skills) };
  const text = goal.trim().replace(/\s+/g, ' ');
  const found = splitGoal(goal.trim(), split);
  const steps: GoalStep[] = found.length > 0 ? found : [{ text, verb: null, after: [] }];
  const notes: string[] = [];
  const matches: SkillMatch[] = [];
  const idOf = (i: number) => `task-${String(i + 1).padStart(3, '0')}`;
  const tasks = steps.map((s, i) => {
    const task_id = idOf(i);
    const wanted = wantedOf(s, keywords);
    let skills: string[] = [];
    if (!wanted)
      notes.push(`${task_id}: no action recognised in "${s.text}"; give it a skill before running.`);
    else {
      const m = matchSkill(wanted, agents);
      const match: SkillMatch = { task_id, asked: wanted.asked, ...m };
      matches.push(match);
      if (m.skill) skills = [m.skill];
      if (m.how === 'closest') notes.push(`${task_id}: ${matchText(match)}; check that it fits.`);
      if (m.how === 'none')
        notes.push(
          `${task_id}: no registered agent can ${wanted.asked}${wanted.skill ? ` (${wanted.skill})` : ''}, nor anything close, so it has no skill yet: pick one an agent has, or register an agent that can.`,
        );
    }
    return {
      task_id,
      description: capitalise(asAction(s.text, s.verb, split)),
      required_skills: skills,
      depends_on: s.after.map(idOf),
    };
  });
  if (opts.agents?.length === 0)
    notes.push(
      "No agents are registered yet: the skills are Baton's general ones; register agents, then check each task's skills.",
    );
  notes.unshift(shapeNote(tasks));
  return {
    plan: {
      plan_id: opts.plan_id ?? planIdOf(goal.trim(), opts.taken),
      name: planNameOf(goal),
      goal: text,
      ...(opts.project_id ? { project_id: opts.project_id } : {}),
      tasks,
    },
    notes,
    matches,
  };
}

/**
 * What a step asks for: the verb it starts with and the table's skill for it; without a verb
 * (a step a sequencing word made: "finally celebrate"), the first action word in it; or null.
 */
function wantedOf(step: GoalStep, keywords: Readonly<Record<string, readonly string[]>>): Wanted | null {
  const lower = ` ${step.text.toLowerCase()} `;
  let best: { at: number; word: string; skill: string; family: readonly string[] } | null = null;
  for (const [skill, words] of Object.entries(keywords))
    for (const w of words) {
      const m = new RegExp(`[^a-z]${escapeRegExp(w)}(?:s|es|ed|ing)?[^a-z]`).exec(lower);
      if (m && (!best || m.index < best.at)) best = { at: m.index, word: w, skill, family: words };
    }
  if (step.verb) {
    const verb = step.verb.toLowerCase();
    if (best && best.at === 0) return { asked: best.word, skill: best.skill, family: best.family };
    return { asked: verb, skill: null, family: [] };
  }
  return best ? { asked: best.word, skill: best.skill, family: best.family } : null;
}

/** How the goal was read, in one line: how many tasks, and which stand side by side. */
function shapeNote(tasks: readonly { task_id: string; depends_on: string[] }[]): string {
  if (tasks.length === 1) return 'A simple request: one task.';
  const stages: string[][] = [];
  let key = '';
  for (const t of tasks) {
    const k = t.depends_on.join(' ');
    if (stages.length > 0 && k === key) stages.at(-1)!.push(t.task_id);
    else stages.push([t.task_id]);
    key = k;
  }
  const said = (s: string[]) =>
    s.length === 1 ? s[0]! : `${s.slice(0, -1).join(', ')} and ${s.at(-1)} side by side`;
  const how =
    stages.length === 1
      ? 'all side by side'
      : stages.every((s) => s.length === 1)
        ? 'one after another, each using the result of the one before'
        : `${stages.map(said).join(', then ')}, each stage using the results of the one before`;
  return `A complex request: ${tasks.length} tasks, ${how}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
