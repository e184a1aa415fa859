import { useEffect, useMemo, useState } from 'react';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { IdField, useFormSend } from './reach-parts.tsx';

/** What of an issue goes into which run input. */
const PARTS = [
  ['title', 'Issue title into input'],
  ['body', 'Issue body into input'],
  ['number', 'Issue number into input'],
  ['url', 'Issue address into input'],
] as const;
type Part = (typeof PARTS)[number][0];

/** The run input named like the part (`title`, `body`, …), if the plan takes one. */
const guess = (stored: StoredPlan, part: Part) => (part in (stored.plan.run_inputs ?? {}) ? part : '');

/**
 * A trigger that watches a workspace's GitHub issues: each open issue with the label starts one
 * run of the plan, its title, body, number and address in the run inputs named here. Only
 * workspaces whose remote has a GitHub forge are offered.
 */
export function GithubIssuesForm({ stored }: { stored: StoredPlan }) {
  const loaded = useBaton((s) => s.workspacesLoaded);
  const load = useBaton((s) => s.loadWorkspaces);
  const all = useBaton((s) => s.workspaces);
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  const withForge = useMemo(() => all.filter((w) => w.remote?.forge?.kind === 'github'), [all]);
  const [id, setId] = useState('');
  const [workspace, setWorkspace] = useState('');
  const [label, setLabel] = useState('baton');
  const [comment, setComment] = useState(false);
  const [into, setInto] = useState<Record<Part, string>>(() => ({
    title: guess(stored, 'title'),
    body: guess(stored, 'body'),
    number: guess(stored, 'number'),
    url: guess(stored, 'url'),
  }));
  const { errors, busy, send } = useFormSend();
  const chosen = workspace || withForge[0]?.id || '';
  const submit = () =>
    send(async () => {
      const inputs_from = Object.fromEntries(Object.entries(into).filter(([, v]) => v.trim() !== ''));
      await api.addGithubIssuesTrigger({
        plan_id: stored.plan_id,
        github_issues: { workspace: chosen, label: label.trim(), inputs_from, comment_on_issue: comment },
        ...(id.trim() ? { id: id.trim() } : {}),
      });
      setId('');
    });
  return (
    <FormPanel title="Watch GitHub issues" className="reach-form" onSubmit={submit}>
      {withForge.length === 0 ? (
        <p className="muted small">
          No workspace has a GitHub forge yet: add a remote with GitHub to one on the Workspaces screen.
        </p>
      ) : (
        <div className="fields">
          <IdField value={id} onChange={setId} error={errors.id} />
          <label>
            Workspace
            <select value={chosen} onChange={(e) => setWorkspace(e.target.value)} aria-label="Workspace">
              {withForge.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.id} ({w.remote?.forge?.repo})
                </option>
              ))}
            </select>
          </label>
          <InputField label="Label" value={label} onChange={setLabel} hint="an issue with it starts a run" />
          {PARTS.map(([part, text]) => (
            <InputField
              key={part}
              label={text}
              value={into[part]}
              onChange={(v) => setInto((x) => ({ ...x, [part]: v }))}
              hint="a run input of the plan; empty: not given"
            />
          ))}
          <label className="check">
            <input type="checkbox" checked={comment} onChange={(e) => setComment(e.target.checked)} />
            Comment on the issue at its run's milestones (started, pull request opened, merged, failed)
          </label>
        </div>
      )}
      <FormActions
        error={errors.github_issues ?? errors.form ?? errors.plan_id ?? errors.inputs}
        busy={busy || withForge.length === 0}
        submit="Watch issues"
      />
    </FormPanel>
  );
}
