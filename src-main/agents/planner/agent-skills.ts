/** An agent as scope sees it: who it is and what it can do. */
export interface SkilledAgent {
  id: string;
  skills: readonly string[];
}

/**
 * A word's stem, enough to tell "summarize", "summarization" and "summarizing" (or "translate"
 * and "translation") are one: lower case, without a common ending.
 */
export function stem(word: string): string {
  const w = word.toLowerCase();
  for (const end of ['ations', 'ation', 'ings', 'ing', 'ions', 'ion', 'ers', 'er', 'ed', 'es', 's', 'e']) {
    if (w.length - end.length >= 4 && w.endsWith(end)) return w.slice(0, -end.length);
  }
  return w;
}

/** Words that name nothing a skill is about. */
const FILLER = new Set(['and', 'or', 'the', 'to', 'of', 'for', 'an', 'in', 'on', 'with', 'from', 'by', 'at']);

/** The words of a text (a clause, or a skill such as "web_search"), lower case, without filler. */
export const wordsOf = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !FILLER.has(w));

/**
 * Whether two words are one: the same stem, or a long common start ("translate" and
 * "translation", "summarize" and "summarization"), not a short one ("research", "reset").
 */
export function sameWord(a: string, b: string): boolean {
  if (stem(a) === stem(b)) return true;
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n >= Math.max(6, Math.min(a.length, b.length) - 3);
}

/** Whether any word of `a` is one of `b`'s. */
export const shareWord = (a: readonly string[], b: readonly string[]): boolean =>
  a.some((x) => b.some((y) => sameWord(x, y)));

/**
 * The registered skills a step needs, given the skills the keyword table found in its clause
 * (`found`, with the table's words for each): a found skill an agent has is kept; one no agent
 * has is replaced by an agent's skill named by one of its words ("email" for communication);
 * and a registered skill the clause itself names ("translate" for translation) is added.
 * `missing` are the found skills no agent has under any name: the step keeps them, so the
 * designer's checks flag it.
 */
export function skillsForStep(
  clause: string,
  found: readonly { skill: string; words: readonly string[] }[],
  agents: readonly SkilledAgent[],
): { skills: string[]; missing: string[] } {
  const registered = [...new Set(agents.flatMap((a) => a.skills))];
  const clauseWords = wordsOf(clause);
  const named = (skill: string, words: readonly string[]) => shareWord(wordsOf(skill), words);
  const skills: string[] = [];
  const missing: string[] = [];
  for (const f of found) {
    if (registered.includes(f.skill)) skills.push(f.skill);
    else {
      // Best an agent's skill the clause names too ("email" for "draft email to …").
      const alias =
        registered.find((r) => named(r, f.words.flatMap(wordsOf)) && named(r, clauseWords)) ??
        registered.find((r) => named(r, f.words.flatMap(wordsOf)));
      if (alias) skills.push(alias);
      else missing.push(f.skill);
    }
  }
  for (const r of registered) if (named(r, clauseWords)) skills.push(r);
  // Matching stays useful with few skills: at most two, registered ones first.
  const kept = [...new Set([...skills, ...missing])].slice(0, 2);
  return { skills: kept, missing: kept.filter((k) => missing.includes(k)) };
}

/**
 * The agent closest to taking a step that needs `skills`: the one with the most of them, then
 * the one whose skills share the most words with the step's text; none when no agent shares
 * anything with it.
 */
export function closestAgent(
  skills: readonly string[],
  clause: string,
  agents: readonly SkilledAgent[],
): SkilledAgent | undefined {
  const words = [...wordsOf(clause), ...skills.flatMap(wordsOf)];
  let best: { agent: SkilledAgent; held: number; shared: number } | undefined;
  for (const agent of agents) {
    const held = skills.filter((s) => agent.skills.includes(s)).length;
    const shared = agent.skills.flatMap(wordsOf).filter((w) => words.some((x) => sameWord(w, x))).length;
    if (held === 0 && shared === 0) continue;
    if (!best || held > best.held || (held === best.held && shared > best.shared))
      best = { agent, held, shared };
  }
  return best?.agent;
}
