/** Words a plan's id leaves out: they name nothing the plan is about. */
const LEFT_OUT = new Set([
  'a',
  'about',
  'all',
  'an',
  'any',
  'are',
  'at',
  'be',
  'best',
  'by',
  'can',
  'could',
  'for',
  'from',
  'good',
  'i',
  'in',
  'into',
  'is',
  'it',
  'its',
  'just',
  'lets',
  'me',
  'more',
  'most',
  'my',
  'need',
  'new',
  'of',
  'on',
  'our',
  'please',
  'should',
  'some',
  'that',
  'the',
  'their',
  'them',
  'these',
  'this',
  'those',
  'to',
  'us',
  'very',
  'want',
  'we',
  'will',
  'with',
  'would',
  'you',
  'your',
]);

/** Where the first part of a goal ends: a sequencing word or a sentence break. */
const FIRST_PART_END = /[;\n]|[.!?](?:\s|$)|,?\s+(?:and then|then|after that|afterwards|finally|next)\s+/i;

/** The most words (other than "and") and characters a drafted plan's id has. */
const ID_WORDS = 4;
const ID_LENGTH = 40;
/** The longest name a draft gets; the goal itself keeps the whole sentence. */
const NAME_LENGTH = 48;

/**
 * A plan id a person reads: the goal's first part in a few words, lower case, joined by "-",
 * without filler, repeats, addresses or links ("compare-laptops-and-phones"); "-2", "-3"… when a
 * plan has it already (`taken`).
 */
export function planIdOf(goal: string, taken: (id: string) => boolean = () => false): string {
  const words = goal
    .split(FIRST_PART_END)[0]!
    .split(/\s+/)
    .filter((w) => !/[@/]/.test(w))
    .flatMap((w) => w.toLowerCase().split(/[^a-z0-9]+/))
    .filter(Boolean);
  const kept: string[] = [];
  let content = 0;
  for (const w of words) {
    if (content >= ID_WORDS) break;
    if (w === 'and' || w === 'or') {
      if (kept.length > 0 && kept.at(-1) !== w && kept.at(-1) !== 'and' && kept.at(-1) !== 'or') kept.push(w);
      continue;
    }
    if (LEFT_OUT.has(w) || kept.includes(w)) continue;
    if ([...kept, w].join('-').length > ID_LENGTH) break;
    kept.push(w);
    content++;
  }
  while (kept.at(-1) === 'and' || kept.at(-1) === 'or') kept.pop();
  const base = kept.join('-') || 'plan';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** A short title: the goal's first part, capitalised, cut between words ("Research laptops and phones"). */
export function planNameOf(goal: string): string {
  const first = goal
    .trim()
    .split(FIRST_PART_END)[0]!
    .replace(/^[-*\u2022]\s+|^\d+[.)]\s+/, '')
    .replace(/[:,!?.]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const text = first || goal.trim().replace(/\s+/g, ' ');
  return shorten(text.charAt(0).toUpperCase() + text.slice(1), NAME_LENGTH);
}

/** `text` cut to at most `max` characters between words, filler taken off its end, "…" when cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const words = text.slice(0, max - 1).split(' ');
  if (words.length > 1) words.pop();
  const filler = (w: string) => {
    const bare = w.toLowerCase().replace(/[^a-z]/g, '');
    return LEFT_OUT.has(bare) || bare === 'and' || bare === 'or';
  };
  while (words.length > 1 && filler(words.at(-1)!)) words.pop();
  return `${words.join(' ').replace(/[\s,;:]+$/, '')}…`;
}
