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
 * How alike two words are, from 0 to 1: one word (1); one (or its stem) inside the other, four
 * letters or more ("mail" in "email", "writ" in "copywriting": 0.8); a letter or two apart ("analyse", "analyze": 0.7); else the share of
 * letter pairs they have in common, when it is most of them.
 */
export function wordSimilarity(a: string, b: string): number {
  if (sameWord(a, b)) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && (long.includes(short) || (stem(short).length >= 4 && long.includes(stem(short)))))
    return 0.8;
  if (short.length >= 4 && editDistance(a, b) <= (short.length >= 7 ? 2 : 1)) return 0.7;
  const dice = pairsInCommon(a, b);
  return dice >= 0.6 ? dice * 0.8 : 0;
}

/** Letters to change, add or drop to make `a` into `b` (Levenshtein). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The Dice coefficient of two words' letter pairs. */
function pairsInCommon(a: string, b: string): number {
  const pairs = (w: string) => Array.from({ length: Math.max(0, w.length - 1) }, (_, i) => w.slice(i, i + 2));
  const pa = pairs(a);
  const pb = pairs(b);
  if (pa.length === 0 || pb.length === 0) return 0;
  const left = [...pb];
  let common = 0;
  for (const p of pa) {
    const at = left.indexOf(p);
    if (at >= 0) {
      common++;
      left.splice(at, 1);
    }
  }
  return (2 * common) / (pa.length + pb.length);
}
