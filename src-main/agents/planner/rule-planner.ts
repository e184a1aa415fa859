import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import type { SkilledAgent } from './agent-skills.ts';
import { closestAgent, shareWord, skillsForStep, wordsOf } from './agent-skills.ts';
import { DEFAULT_SKILL_KEYWORDS, escapeRegExp } from './skill-keywords.ts';

export interface DraftOptions {
  plan_id?: string | undefined;
  project_id?: string | undefined;
  keywords?: Readonly<Record<string, readonly string[]>> | undefined;
  /**
   * The registered agents: a step gets the skills they have where one fits (an agent's own name
   * for it, or a skill the clause names), and a skill none has is noted with the closest agent.
   * Without them, the keyword table's skill names are used as they are.
   */
  agents?: readonly SkilledAgent[] | undefined;
}

export interface Draft {
  plan: PlanInput;
  /** How the goal was read, for the person reviewing the draft. */
  notes: string[];
}

// Separators between clauses: punctuation, or connector words. "then"-like words and plain
// "and" chain the steps (the later one uses the earlier one's result); "also", "while" and
// "in parallel with" leave them independent.
const WORDS = 'and then|then|after that|afterwards|finally|and also|also|while|in parallel with|and';
const SEPARATOR = new RegExp(`(\\s*;\\s*|\\.\\s+|\\s*,\\s*|\\s+(?:${WORDS})\\s+)`, 'i');
const LEADING = new RegExp(`^(?:${WORDS})\\s+`, 'i');
const PARALLEL = /\b(?:also|while|in parallel with)\b/i;
/** A new step even without an action word: a sentence break or a sequencing word. */
const SEQUENCE = /^[;.]|\b(?:then|after that|afterwards|finally)\b/i;

/**
 * Rule-based scope: turns a goal sentence into a draft plan. A clause becomes a step when it
 * names an action from the keyword table or follows a sentence break or a sequencing word;
 * other clauses stay with the step before them ("research pros and cons" is one step).
 * `research best laptops and draft email to john@example.com` gives two tasks, the email
 * depending on the research.
 */
export function draftPlan(goal: string, opts: DraftOptions = {}): Draft {
  const keywords = opts.keywords ?? DEFAULT_SKILL_KEYWORDS;
  const text = goal
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');
  const agents = opts.agents ?? [];
  const notes: string[] = [];
  const steps: { text: string; found: Found[]; named: boolean; parallel: boolean }[] = [];
  const parts = text.split(SEPARATOR);
  let separator = '';
  for (let i = 0; i < parts.length; i += 2) {
    let clause = parts[i]!.trim();
    let joint = separator.trim();
    // A clause may itself start with a connector ("; also notify…", ". Finally …").
    for (let m = LEADING.exec(clause); m; m = LEADING.exec(clause)) {
      joint = `${joint} ${m[0].trim()}`.trim();
      clause = clause.slice(m[0].length);
    }
    separator = parts[i + 1] ?? '';
    if (clause === '') continue;
    const found = skillsOf(clause, keywords);
    // A clause naming a skill an agent has is a step too, even when the table has no word for it.
    const named = agents.some((a) => a.skills.some((k) => namesSkill(clause, k)));
    const last = steps.at(-1);
    if (found.length === 0 && !named && last && !SEQUENCE.test(joint)) {
      last.text = `${last.text}${/^[,;.]/.test(joint) || joint === '' ? `${joint || ','} ` : ` ${joint} `}${clause}`;
    } else {
      steps.push({ text: clause, found, named, parallel: PARALLEL.test(joint) });
    }
  }
  if (steps.length === 0) steps.push({ text, found: [], named: false, parallel: false });
  if (opts.agents?.length === 0)
    notes.push(
      "No agents are registered yet: the skills are Baton's general ones; register agents, then check each task's skills.",
    );
  const tasks = steps.map((s, i) => {
    const task_id = `task-${String(i + 1).padStart(3, '0')}`;
    const depends_on = i > 0 && !s.parallel ? [`task-${String(i).padStart(3, '0')}`] : [];
    const { skills, missing } =
      agents.length > 0
        ? skillsForStep(s.text, s.found, agents)
        : { skills: s.found.map((f) => f.skill).slice(0, 2), missing: [] };
    if (skills.length === 0)
      notes.push(`${task_id}: no skill recognised in "${s.text}"; add required_skills before running`);
    else if (missing.length > 0) notes.push(missingNote(task_id, skills, missing, s.text, agents));
    return { task_id, description: capitalise(s.text), required_skills: skills, depends_on };
  });
  notes.unshift(
    tasks.length === 1
      ? 'A simple request: one task.'
      : `A complex request: ${tasks.length} tasks${tasks.some((t) => t.depends_on.length > 0) ? ', each using the result of the one before unless marked parallel' : ''}.`,
  );
  return {
    plan: {
      plan_id: opts.plan_id ?? `plan-${slug(text)}`,
      // The sentence is the plan's goal; its name is the start of it, cut between words.
      name: shorten(capitalise(text), NAME_LENGTH),
      goal: goal.trim().replace(/\s+/g, ' '),
      ...(opts.project_id ? { project_id: opts.project_id } : {}),
      tasks,
    },
    notes,
  };
}

/** The longest name a draft gets from its goal; the goal itself keeps the whole sentence. */
const NAME_LENGTH = 60;

/** A skill the keyword table found in a clause, with the table's words for it. */
interface Found {
  skill: string;
  words: readonly string[];
}

function skillsOf(clause: string, keywords: Readonly<Record<string, readonly string[]>>): Found[] {
  const lower = ` ${clause.toLowerCase()} `;
  const found: Found[] = [];
  for (const [skill, words] of Object.entries(keywords)) {
    if (words.some((w) => new RegExp(`[^a-z]${escapeRegExp(w)}(?:s|es|ed|ing)?[^a-z]`).test(lower)))
      found.push({ skill, words });
  }
  // The first action word decides the main skill; keep at most two so matching stays useful.
  return found.slice(0, 2);
}

/** Whether a clause names a skill ("translate the manual" names "translation"). */
function namesSkill(clause: string, skill: string): boolean {
  return shareWord(wordsOf(skill), wordsOf(clause));
}

/** A step needs skills no agent has: which, and the agent that comes closest (or that none does). */
function missingNote(
  taskId: string,
  skills: readonly string[],
  missing: readonly string[],
  clause: string,
  agents: readonly SkilledAgent[],
): string {
  const closest = closestAgent(skills, clause, agents);
  const what = `${taskId} needs ${missing.join(' and ')}, which no registered agent has`;
  return closest
    ? `${what}; the closest is ${closest.id} (${closest.skills.join(', ') || 'no skills'}): add the skill to it, or change the task.`
    : `${what}, nor anything close: add the skill to an agent, or register one that has it.`;
}

/** `text` cut to at most `max` characters between words, with "…" when cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The goal as an id: its words joined by "-", as many whole words as fit in 40 characters. */
function slug(s: string): string {
  const words = s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let base = '';
  for (const w of words) {
    const next = base ? `${base}-${w}` : w;
    if (next.length > 40) break;
    base = next;
  }
  // A first word longer than the limit is cut: an id needs something.
  return base || words[0]?.slice(0, 40) || 'goal';
}
