import type { PullRequestOptions } from '../../../../src-shared/schemas/landing.ts';
import type { PlanInput } from '../../../../src-shared/schemas/plan.ts';
import type { Check } from '../../designer/plan-edit.ts';
import { checksAt, fieldProblem } from '../../designer/plan-edit.ts';
import { useBaton } from '../../store/index.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { SkillsField } from '../shared/SkillsField.tsx';
import { SelectField } from './FormFields.tsx';
import { PanelSection } from './PanelSection.tsx';

type Land = NonNullable<PlanInput['land']>;

const LAND_HINT: Record<Land, string> = {
  none: "Its work stays on Baton's branches; Push and Open pull request on a run or task land it by hand.",
  push: "Once a run completes, its branches are pushed to the workspace's remote.",
  pull_request:
    'Once a run completes, its branches are pushed and a pull request opened, then followed: its checks, reviews asking for changes (the agent goes back to work), merged.',
};

/** A pull request's options with one changed; an empty one is none. */
function withPr(
  pr: PullRequestOptions | undefined,
  p: Partial<PullRequestOptions>,
): PullRequestOptions | undefined {
  const next = { ...pr, ...p };
  for (const k of Object.keys(next) as (keyof PullRequestOptions)[])
    if (next[k] === undefined) delete next[k];
  return Object.keys(next).length > 0 ? next : undefined;
}

/**
 * How the plan's work lands once a run completes (`land`, `land_branches`) and the pull requests
 * it opens (labels, reviewers, a draft until its checks pass), named as a person names them; the
 * workspace's remote says where (the Workspaces screen).
 */
export function PlanLandingFields({ checks }: { checks: Check[] }) {
  const draft = useBaton((s) => s.draft)!;
  const edit = useBaton((s) => s.edit);
  const remote = useBaton((s) =>
    draft.workspace === undefined ? undefined : s.workspaces.find((w) => w.id === draft.workspace)?.remote,
  );
  const err = (path: string, label: string) => fieldProblem(checks, path, label);
  const land: Land = draft.land ?? 'none';
  const pr = draft.pull_request;
  const error = ['land', 'land_branches', 'pull_request'].some((f) => checksAt(checks, f).length > 0);
  const summary =
    land === 'none'
      ? 'by hand'
      : land === 'push'
        ? 'pushed'
        : `as a pull request${pr?.draft_until_checks ? ', draft' : ''}`;
  return (
    <PanelSection title="Landing" summary={summary} hasValue={draft.land !== undefined} error={error}>
      <SelectField
        label="Land its work"
        value={land}
        error={err('land', 'Land its work')}
        hint={LAND_HINT[land]}
        onChange={(v) => edit((p) => ({ ...p, land: v === 'none' ? undefined : (v as Land) }))}
      >
        <option value="none">By hand (nothing automatic)</option>
        <option value="push">Push its branches</option>
        <option value="pull_request">Open a pull request</option>
      </SelectField>
      {land !== 'none' && draft.workspace !== undefined && remote === null && (
        <p className="field-hint">
          Workspace {draft.workspace} has no remote yet:{' '}
          <RouteLink to={{ screen: 'workspaces' }} className="link">
            add one on the Workspaces screen
          </RouteLink>
          .
        </p>
      )}
      {land !== 'none' && (
        <SelectField
          label="What lands"
          value={draft.land_branches ?? 'tasks'}
          error={err('land_branches', 'What lands')}
          hint={
            (draft.land_branches ?? 'tasks') === 'tasks'
              ? "Each done coding task's final branch (one a later task built on is in that task's)."
              : "The run's branches merged into one, baton/merge/<run>, from the base branch."
          }
          onChange={(v) =>
            edit((p) => ({ ...p, land_branches: v === 'tasks' ? undefined : (v as 'tasks' | 'run') }))
          }
        >
          <option value="tasks">Each task's branch</option>
          <option value="run">The run's branches merged into one</option>
        </SelectField>
      )}
      {land === 'pull_request' && (
        <>
          <SkillsField
            label="Labels"
            noun="label"
            skills={pr?.labels ?? []}
            error={err('pull_request.labels', 'Labels')}
            onChange={(l) =>
              edit((p) => ({
                ...p,
                pull_request: withPr(p.pull_request, { labels: l.length > 0 ? l : undefined }),
              }))
            }
          />
          <SkillsField
            label="Reviewers"
            noun="user name"
            skills={pr?.reviewers ?? []}
            error={err('pull_request.reviewers', 'Reviewers')}
            onChange={(r) =>
              edit((p) => ({
                ...p,
                pull_request: withPr(p.pull_request, { reviewers: r.length > 0 ? r : undefined }),
              }))
            }
          />
          <label className="check">
            <input
              type="checkbox"
              checked={pr?.draft_until_checks ?? false}
              onChange={(e) =>
                edit((p) => ({
                  ...p,
                  pull_request: withPr(p.pull_request, { draft_until_checks: e.target.checked || undefined }),
                }))
              }
            />
            Draft until its checks pass
          </label>
          <p className="field-hint">
            Opened as a draft, and marked ready for review once the forge's checks on it all passed.
          </p>
        </>
      )}
    </PanelSection>
  );
}
