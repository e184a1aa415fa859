import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { stageOfAll, stageSentence, stageWordsOf } from '../../../../src-shared/schemas/landing-stage.ts';

/**
 * Where a done run's or task's work stands with its pull request, beside its own status: "in review
 * on GitHub", "fixing for GitHub", "rebasing on main", "landed", "not landed" (the sentence as its title).
 */
export function StagePill({ landings }: { landings: readonly Landing[] | undefined }) {
  const stage = landings ? stageOfAll(landings) : null;
  if (stage === null || !landings) return null;
  return (
    <>
      {' '}
      <span className={`pill stage-${stage}`} title={stageSentence(landings) ?? undefined}>
        {stageWordsOf(landings)}
      </span>
    </>
  );
}
