import type { SkillMatchKind } from '../../../src-shared/contract/domains/scope.ts';
import { skillMatchText } from '../../../src-shared/contract/domains/scope.ts';
import type { SkilledAgent } from './agent-skills.ts';
import { sameWord, wordSimilarity, wordsOf } from './agent-skills.ts';
import { DEFAULT_SKILL_KEYWORDS } from './skill-keywords.ts';

/** Below this, a registered skill is not "close" to what a step asks for. */
const CLOSE_ENOUGH = 0.5;

/** What a step asks for: its verb (or the skill a planner named), and what the keyword table calls it. */
export interface Wanted {
  asked: string;
  /** The table's skill for it ("communication" for "write"), or null. */
  skill: string | null;
  /** The table's words for that skill ("email", "draft", "send", …). */
  family: readonly string[];
}

/**
 * The registered skill a step gets: the very skill, or the name an agent has for it (a word of
 * its family), or the most alike skill an agent has (`wordSimilarity`), or none when nothing is
 * close: never a skill no agent has. Without agents, the table's general name.
 */
export function matchSkill(
  wanted: Wanted,
  agents: readonly SkilledAgent[],
): { skill: string | null; how: SkillMatchKind; agents: string[] } {
  if (agents.length === 0) return { skill: wanted.skill, how: wanted.skill ? 'general' : 'none', agents: [] };
  const registered = [...new Set(agents.flatMap((a) => a.skills))];
  const holders = (skill: string) => agents.filter((a) => a.skills.includes(skill)).map((a) => a.id);
  const asked = wordsOf(wanted.asked);
  const exact = registered.filter(
    (r) => r === wanted.skill || r === wanted.asked || (asked.length > 0 && isWords(r, asked)),
  );
  if (exact.length > 0) return pick(exact, 'exact', holders);
  const family = [...(wanted.skill ? wordsOf(wanted.skill) : []), ...wanted.family.flatMap(wordsOf)];
  const alias = registered.filter((r) => wordsOf(r).some((w) => family.some((f) => sameWord(w, f))));
  if (alias.length > 0) return pick(alias, 'alias', holders);
  const near = [...asked, ...family];
  let best = 0;
  let closest: string[] = [];
  for (const r of registered) {
    const score = Math.max(0, ...wordsOf(r).flatMap((w) => near.map((x) => wordSimilarity(w, x))));
    if (score > best) [best, closest] = [score, [r]];
    else if (score === best) closest.push(r);
  }
  if (best >= CLOSE_ENOUGH) return pick(closest, 'closest', holders);
  return { skill: null, how: 'none', agents: [] };
}

/** Whether a skill's words are the asked words ("web_search" for "search the web" is not: one of two). */
function isWords(skill: string, asked: readonly string[]): boolean {
  const words = wordsOf(skill);
  return words.length > 0 && words.every((w) => asked.some((a) => sameWord(w, a)));
}

/** Of skills that match alike, the one most agents have (then the first by name). */
function pick(
  skills: readonly string[],
  how: SkillMatchKind,
  holders: (skill: string) => string[],
): { skill: string; how: SkillMatchKind; agents: string[] } {
  const ranked = [...skills].sort((a, b) => holders(b).length - holders(a).length || a.localeCompare(b));
  const skill = ranked[0]!;
  return { skill, how, agents: holders(skill) };
}

/** What the table knows of a skill a planner named: its own entry, or the entry one of its words is in. */
export function wantedFor(
  skill: string,
  keywords: Readonly<Record<string, readonly string[]>> = DEFAULT_SKILL_KEYWORDS,
): Wanted {
  const own = keywords[skill];
  if (own) return { asked: skill, skill, family: own };
  const words = wordsOf(skill);
  for (const [name, family] of Object.entries(keywords))
    if (family.some((f) => words.some((w) => sameWord(w, f)))) return { asked: skill, skill: name, family };
  return { asked: skill, skill: null, family: [] };
}

/** The match in words, as the draft's notes and the new-plan dialog say it. */
export const matchText = skillMatchText;
