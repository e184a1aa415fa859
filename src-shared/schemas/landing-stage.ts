import type { Landing } from './landing.ts';
import { FORGE_LABELS } from './plain/forge.ts';

/**
 * Where a run's (or a task's) work stands once it is done and lands, read from its landings; the
 * engine's own status (`completed`, `done`) does not change with the pull request:
 * - `landing`: being pushed, its pull request being opened;
 * - `in_review`: its pull request is open on the forge, waiting for checks and reviewers;
 * - `fixing`: the agent is back at work on what the pull request's checks or a reviewer asked;
 * - `landed`: merged (or, for `land: push`, pushed);
 * - `not_landed`: its pull request was closed without being merged or is gone, or the landing failed.
 */
export const LANDING_STAGES = ['landing', 'in_review', 'fixing', 'landed', 'not_landed'] as const;
export type LandingStage = (typeof LANDING_STAGES)[number];

/** A landing's stage. */
export function stageOf(l: Landing): LandingStage {
  switch (l.state) {
    case 'pending':
      return 'landing';
    case 'pushed':
      return l.mode === 'push' ? 'landed' : 'landing';
    case 'open':
      return 'in_review';
    case 'fixing':
      return 'fixing';
    case 'merged':
      return 'landed';
    default:
      return 'not_landed';
  }
}

/** The order a run's stage is picked in: what needs a person's eye first. */
const WORST_FIRST: readonly LandingStage[] = ['not_landed', 'fixing', 'in_review', 'landing', 'landed'];

/** The stage of several landings (a run's): the first of not landed, fixing, in review, landing, landed; null without landings. */
export function stageOfAll(landings: readonly Landing[]): LandingStage | null {
  if (landings.length === 0) return null;
  const stages = new Set(landings.map(stageOf));
  return WORST_FIRST.find((s) => stages.has(s)) ?? null;
}

const WORDS: Record<LandingStage, (forge: string) => string> = {
  landing: () => 'landing',
  in_review: (forge) => `in review on ${forge}`,
  fixing: (forge) => `fixing for ${forge}`,
  landed: () => 'landed',
  not_landed: () => 'not landed',
};

/** The forge landings are on, in words (GitHub when none is known: the first one Baton had). */
const forgeOf = (landings: readonly Landing[]): string => {
  const kind = landings.find((l) => l.forge)?.forge;
  return kind ? FORGE_LABELS[kind] : 'GitHub';
};

/** The stage in a few words ("in review on GitHub"), as the Runs screen, the panels and `baton runs` say it. */
export const stageWords = (s: LandingStage, landings: readonly Landing[] = []): string =>
  WORDS[s](forgeOf(landings));

/**
 * Several landings' stage in a few words: as `stageWords`, except while every one being fixed is
 * rebased on its moved base (a `conflict` round): "rebasing on main". Null without landings.
 */
export function stageWordsOf(landings: readonly Landing[]): string | null {
  const stage = stageOfAll(landings);
  if (stage === null) return null;
  const fixing = landings.filter((l) => stageOf(l) === 'fixing');
  const bases = new Set(fixing.map((l) => (l.fix?.kind === 'conflict' ? l.fix.base?.branch : undefined)));
  const [base] = bases;
  if (stage === 'fixing' && bases.size === 1 && base !== undefined) return `rebasing on ${base}`;
  return stageWords(stage, landings);
}

/**
 * What a run's or task's landings say in a sentence: its stage and why ("not landed: pull request
 * #3 was closed without being merged"), the pull requests it waits on, or null without landings.
 */
export function stageSentence(landings: readonly Landing[]): string | null {
  const stage = stageOfAll(landings);
  if (stage === null) return null;
  const of = landings.filter((l) => stageOf(l) === stage);
  const prs = of
    .filter((l) => l.pr_number !== null)
    .map((l) => `#${l.pr_number}`)
    .join(', ');
  switch (stage) {
    case 'not_landed':
      return `Not landed: ${of.map((l) => l.message ?? `${l.branch} ${l.state}`).join('; ')}`;
    case 'fixing': {
      // "Fixing for GitHub", or "Rebasing on main" while every one fixed is a conflict with its moved base.
      const words = stageWordsOf(landings) ?? stageWords(stage, landings);
      return `${words[0]!.toUpperCase()}${words.slice(1)}: ${of.map((l) => l.message ?? `pull request #${l.pr_number}`).join('; ')}`;
    }
    case 'in_review':
      return `In review on ${forgeOf(of)}: pull request${of.length > 1 ? 's' : ''} ${prs}${of.some((l) => l.pr_draft) ? ' (draft until its checks pass)' : ''}`;
    case 'landing':
      return 'Landing: pushing and opening its pull request';
    case 'landed':
      return prs ? `Landed: pull request${of.length > 1 ? 's' : ''} ${prs} merged` : 'Landed: pushed';
  }
}

/** One landing in a line, as `baton show` ends a task's line: "in review on GitHub, pull request #7", "not landed: why". */
export function stageLine(l: Landing): string {
  const stage = stageOf(l);
  if (stage === 'not_landed' && l.message) return `not landed: ${l.message}`;
  return `${stageWordsOf([l])}${l.pr_number === null ? '' : `, pull request #${l.pr_number}`}`;
}
