import type { PlanInput } from '../../src-shared/schemas/plan.ts';

/** Skill → words that mark a step needing it (seed 003's research / communication / purchase, and more). */
const DEFAULT_SKILL_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  research: ['research', 'find', 'investigate', 'compare', 'look up', 'search', 'analyze', 'analyse'],
  communication: ['email', 'e-mail', 'draft', 'write', 'send', 'message', 'reply', 'notify', 'announce'],
  purchase: ['buy', 'purchase', 'order', 'book'],
  summarization: ['summarize', 'summarise', 'summary', 'digest'],
  coding: ['implement', 'code', 'build', 'fix', 'refactor', 'deploy'],
  review: ['review', 'check', 'verify', 'test', 'approve'],
  planning: ['plan', 'scope', 'design', 'outline'],
};

export interface DraftOptions {
  plan_id?: string | undefined;
  project_id?: string | undefined;
  keywords?: Readonly<Record<string, readonly string[]>> | undefined;
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
 * other clauses stay with the step before them ("research pros and cons" is one step). Seed 003: `research best laptops and draft email
 * to john@example.com` gives two tasks, the email depending on the research.
 */
export function draftPlan(goal: string, opts: DraftOptions = {}): Draft {
  const keywords = opts.keywords ?? DEFAULT_SKILL_KEYWORDS;
  const text = goal
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');
  const notes: string[] = [];
  const steps: { text: string; skills: string[]; parallel: boolean }[] = [];
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
    const skills = skillsOf(clause, keywords);
    const last = steps.at(-1);
    if (skills.length === 0 && last && !SEQUENCE.test(joint)) {
      last.text = `${last.text}${/^[,;.]/.test(joint) || joint === '' ? `${joint || ','} ` : ` ${joint} `}${clause}`;
    } else {
      steps.push({ text: clause, skills, parallel: PARALLEL.test(joint) });
    }
  }
  if (steps.length === 0) steps.push({ text, skills: [], parallel: false });
  const tasks = steps.map((s, i) => {
    const task_id = `task-${String(i + 1).padStart(3, '0')}`;
    const depends_on = i > 0 && !s.parallel ? [`task-${String(i).padStart(3, '0')}`] : [];
    if (s.skills.length === 0)
      notes.push(`${task_id}: no skill recognised in "${s.text}"; add required_skills before running`);
    return { task_id, description: capitalise(s.text), required_skills: s.skills, depends_on };
  });
  notes.unshift(
    tasks.length === 1
      ? 'A simple request: one task.'
      : `A complex request: ${tasks.length} tasks${tasks.some((t) => t.depends_on.length > 0) ? ', each using the result of the one before unless marked parallel' : ''}.`,
  );
  return {
    plan: {
      plan_id: opts.plan_id ?? `plan-${slug(text)}`,
      name: capitalise(text).slice(0, 200),
      ...(opts.project_id ? { project_id: opts.project_id } : {}),
      tasks,
    },
    notes,
  };
}

function skillsOf(clause: string, keywords: Readonly<Record<string, readonly string[]>>): string[] {
  const lower = ` ${clause.toLowerCase()} `;
  const found: string[] = [];
  for (const [skill, words] of Object.entries(keywords)) {
    if (words.some((w) => new RegExp(`[^a-z]${escapeRegExp(w)}(?:s|es|ed|ing)?[^a-z]`).test(lower)))
      found.push(skill);
  }
  // The first action word decides the main skill; keep at most two so matching stays useful.
  return found.slice(0, 2);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function slug(s: string): string {
  const base = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return base || 'goal';
}
