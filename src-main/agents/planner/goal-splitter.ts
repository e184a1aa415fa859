import { sameWord, stem, wordsOf } from './agent-skills.ts';
import { ACTION_WORDS, escapeRegExp } from './skill-keywords.ts';

/** A step of a goal: its words as written, the verb that starts it, and the steps it comes after. */
export interface GoalStep {
  text: string;
  /** The action word that starts it ("research", "write"), as the goal spells it; null when none does. */
  verb: string | null;
  /** The steps (by index) it uses the results of. */
  after: number[];
}

export interface SplitOptions {
  keywords: Readonly<Record<string, readonly string[]>>;
  /** Skills registered agents have: a clause starting with one ("translate the manual") is a step. */
  skills?: readonly string[] | undefined;
}

/** How two clauses are joined: in order, side by side, the later first ("X after Y"), or plainly ("and", ","). */
type Joint = 'seq' | 'par' | 'rev' | 'plain';

// Markers a list's lines become: a bullet item stands beside the others; a numbered one follows.
const BULLET = '\u2016';
const NUMBERED = '\u21d2';

const SEQ_WORDS = 'and then|then|and after that|after that|afterwards|and finally|finally|next';
const PAR_WORDS = 'and also|also|while|meanwhile|in parallel with|at the same time as|as well as';
const WORDS = `${SEQ_WORDS}|${PAR_WORDS}|and|after`;
const SEPARATOR = new RegExp(`(\\s*[;${BULLET}${NUMBERED}]\\s*|\\.\\s+|\\s*,\\s*|\\s+(?:${WORDS})\\s+)`, 'i');
/** Connectors a clause may start with (", then write…", ". Finally…"), taken into its joint. */
const LEADING = new RegExp(
  `^(?:${WORDS}|first|firstly|to start|start by|begin by|once done|once that is done)\\s+`,
  'i',
);
/** Words that say the steps of a run stand side by side, at its start or end. */
const SIDE_BY_SIDE_START = /^(?:both|in parallel|at the same time|simultaneously|concurrently)[,:]?\s+/i;
const SIDE_BY_SIDE_END = /[,\s]+(?:in parallel|at the same time|simultaneously|concurrently|side by side)$/i;
/** Words before an action that ask for it ("please", "we need to"). */
const ASKING =
  /^(?:please|kindly|we need to|i need to|we want to|i want to|we should|let's|lets|can you|could you)\s+/i;

function jointOf(text: string): Joint {
  const j = text.toLowerCase();
  if (j.includes(BULLET) || new RegExp(`\\b(?:${PAR_WORDS})\\b`).test(j)) return 'par';
  if (j.includes(NUMBERED) || /^[;.]/.test(j.trim()) || new RegExp(`\\b(?:${SEQ_WORDS})\\b`).test(j))
    return 'seq';
  if (/\bafter\b/.test(j)) return 'rev';
  return 'plain';
}

/**
 * A goal in one line: a list written a line an item (`-`, `*`, `•` or `1.`) becomes its items
 * joined side by side (bullets) or in order (numbers); a line before the list that ends with ":"
 * introduces it and is no step.
 */
function oneLine(goal: string): string {
  const lines = goal
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const item = /^(?:[-*\u2022]|\d+[.)])\s+/;
  if (lines.length < 2 || !lines.some((l) => item.test(l))) return goal.replace(/\s+/g, ' ').trim();
  let text = '';
  for (const line of lines) {
    const m = item.exec(line);
    const rest = line.slice(m?.[0].length ?? 0).replace(/[.;]+$/, '');
    if (!m) text += text ? `. ${rest}` : line.endsWith(':') ? '' : rest;
    else text += text ? ` ${/^\d/.test(m[0]) ? NUMBERED : BULLET} ${rest}` : rest;
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** The verb a clause starts with, as written, or null: an action of the table, an action word, or an agent's skill. */
export function startingVerb(clause: string, opts: SplitOptions): string | null {
  const text = clause.toLowerCase();
  for (const v of verbsOf(opts)) {
    for (const f of formsOf(v))
      if (new RegExp(`^${escapeRegExp(f)}\\b`).test(text)) return clause.slice(0, f.length);
  }
  const first = wordsOf(text)[0];
  if (
    first &&
    text.startsWith(first) &&
    (opts.skills ?? []).some((s) => wordsOf(s).some((w) => sameWord(w, first)))
  )
    return clause.slice(0, first.length);
  return null;
}

const verbsOf = (opts: SplitOptions) => [...Object.values(opts.keywords).flat(), ...ACTION_WORDS];

/** A verb as a step may start with it: "write", "writing", "shopping" for "shop". */
const formsOf = (v: string) => [v, `${v}ing`, `${v.replace(/e$/, '')}ing`, `${v}${v.at(-1)}ing`];

/** "researching laptops" → "research laptops": a step that starts with an -ing form reads as an action. */
export function asAction(text: string, verb: string | null, opts: SplitOptions): string {
  if (!verb || !/ing$/i.test(verb)) return text;
  const base = verbsOf(opts).find((v) => formsOf(v).slice(1).includes(verb.toLowerCase()));
  return base ? `${base}${text.slice(verb.length)}` : text;
}

interface Clause {
  text: string;
  verb: string | null;
  joint: Joint;
  /** The joint as written (", and", " then "), to put back when the clause joins the step before it. */
  written: string;
  /** Its run says its steps stand side by side ("in parallel", "both …"). */
  sideBySide: boolean;
}

/**
 * Splits a goal into steps and the order between them. A clause is a step when it starts with an
 * action (a word of the keyword table or `ACTION_WORDS`, or an agent's skill) or follows a
 * sequencing word; other clauses stay with the step before them ("research pros and cons").
 * "then", "after that", "finally", a sentence break and numbered lines order the steps; steps
 * between two of those form a run. Steps of a run stand side by side when it says so ("also",
 * "while", "in parallel", bullets), when "then" closes it ("A and B, then C"), when it is a list
 * ("A, B and C"), or when they do the same kind of thing ("research laptops and research phones");
 * otherwise one follows the other ("research laptops and draft an email"). A step uses the
 * results of every step of the stage before it. "X after Y" puts Y first.
 */
export function splitGoal(goal: string, opts: SplitOptions): GoalStep[] {
  const parts = oneLine(goal)
    .replace(/[.!]+$/, '')
    .split(SEPARATOR);
  const clauses: Clause[] = [];
  let written = '';
  // "After researching laptops, write…": the clause after the comma follows the first one.
  let afterFirst = false;
  // "In parallel, A and B": the run the marker starts stands side by side.
  let marked = false;
  for (let i = 0; i < parts.length; i += 2) {
    let text = parts[i]!.trim().replace(ASKING, '');
    let joint = written;
    written = parts[i + 1] ?? '';
    if (clauses.length === 0 && /^after\s+/i.test(text)) {
      afterFirst = true;
      text = text.replace(/^after\s+/i, '');
    }
    for (let m = LEADING.exec(text); m; m = LEADING.exec(text)) {
      joint = `${joint} ${m[0].trim()}`;
      text = text.slice(m[0].length).replace(ASKING, '');
    }
    let sideBySide: boolean = marked;
    const start = SIDE_BY_SIDE_START.exec(`${text} `);
    if (start) [text, sideBySide] = [`${text} `.slice(start[0].length).trim(), true];
    const end = SIDE_BY_SIDE_END.exec(text);
    if (end) [text, sideBySide] = [text.slice(0, end.index), true];
    marked = false;
    if (text === '') {
      marked = sideBySide;
      continue;
    }
    let kind = jointOf(joint);
    if (afterFirst && clauses.length === 1 && kind === 'plain') kind = 'seq';
    clauses.push({ text, verb: startingVerb(text, opts), joint: kind, written: joint, sideBySide });
  }
  return ordered(merged(clauses));
}

/** Clauses without an action join the step before them (a sequencing word still makes a step). */
function merged(clauses: readonly Clause[]): Clause[] {
  const steps: Clause[] = [];
  for (const c of clauses) {
    const last = steps.at(-1);
    if (last && c.verb === null && c.joint !== 'seq') {
      const w = c.written.trim();
      last.text = `${last.text}${w === '' || /^[,;.]/.test(w) ? `${w || ','} ` : ` ${w} `}${c.text}`;
      last.sideBySide ||= c.sideBySide;
    } else steps.push({ ...c });
  }
  return steps;
}

/** Steps in stages: each stage after the one before it, its steps side by side. */
function ordered(steps: readonly Clause[]): GoalStep[] {
  // Runs: the steps between sequencing joints ("X after Y" starts a run that goes first).
  const runs: { steps: number[]; rev: boolean; sideBySide: boolean }[] = [];
  steps.forEach((s, i) => {
    if (i === 0 || s.joint === 'seq' || s.joint === 'rev')
      runs.push({ steps: [i], rev: s.joint === 'rev', sideBySide: s.sideBySide });
    else {
      const run = runs.at(-1)!;
      run.steps.push(i);
      run.sideBySide ||= s.sideBySide;
    }
  });
  for (let r = 1; r < runs.length; r++) if (runs[r]!.rev) [runs[r - 1], runs[r]] = [runs[r]!, runs[r - 1]!];
  const stages: number[][] = [];
  runs.forEach((run, r) => {
    const closed = r < runs.length - 1 && !runs[r + 1]!.rev;
    for (const stage of stagesOf(run.steps, steps, run.sideBySide || closed)) stages.push(stage);
  });
  const after = new Map<number, number[]>();
  stages.forEach((stage, k) => {
    for (const i of stage) after.set(i, k === 0 ? [] : stages[k - 1]!);
  });
  // Steps in the order they run: a step "after" another comes later in the list.
  const order = stages.flat();
  const at = new Map(order.map((i, n) => [i, n]));
  return order.map((i) => ({
    text: steps[i]!.text,
    verb: steps[i]!.verb,
    after: after.get(i)!.map((d) => at.get(d)!),
  }));
}

/** A run's steps in stages: all side by side, or as its joints and verbs say. */
function stagesOf(run: readonly number[], steps: readonly Clause[], sideBySide: boolean): number[][] {
  if (run.length === 1 || sideBySide) return [[...run]];
  const verbOf = (i: number) => stem(steps[i]!.verb ?? '');
  const commas = run.slice(1).filter((i) => /,/.test(steps[i]!.written)).length;
  if (run.length >= 3 && commas > 0) {
    // A list: "A, B and C" side by side, unless the items before the last share a verb the last
    // lacks ("research A, research B and write C": the writing uses the research).
    const head = run.slice(0, -1);
    const last = run.at(-1)!;
    const shared = head.every((i) => verbOf(i) !== '' && verbOf(i) === verbOf(head[0]!));
    return shared && verbOf(last) !== verbOf(head[0]!) ? [head, [last]] : [[...run]];
  }
  // Plainly joined: the same kind of action stands beside, another follows.
  const stages: number[][] = [[run[0]!]];
  for (const i of run.slice(1)) {
    const stage = stages.at(-1)!;
    const alike =
      steps[i]!.joint === 'par' || (verbOf(i) !== '' && stage.some((j) => verbOf(j) === verbOf(i)));
    if (alike) stage.push(i);
    else stages.push([i]);
  }
  return stages;
}
