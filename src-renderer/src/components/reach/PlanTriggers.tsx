import { useMemo, useState } from 'react';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Trigger, TriggerCreated } from '../../../../src-shared/schemas/trigger.ts';
import { api } from '../../api/client.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { RemoveRowButton, RowName, RowsTable } from '../shared/RowsTable.tsx';
import { ShownOnce } from '../shared/ShownOnce.tsx';
import { parseInputsJson, whenIn } from './field-errors.ts';
import { GithubIssuesForm } from './GithubIssuesForm.tsx';
import { inputsTemplate, RunInputsField } from './RunInputsField.tsx';
import { IdField, InputsCell, useFormSend, useReachList, useRowAction } from './reach-parts.tsx';

/** What starts a trigger's runs, in a line: its URL, or the GitHub issues it watches. */
const startedBy = (t: Trigger) =>
  t.github_issues
    ? `GitHub issues labelled "${t.github_issues.label}" (workspace ${t.github_issues.workspace})${t.github_issues.comment_on_issue ? ', commented on at each milestone' : ''}`
    : `POST ${t.url}`;

/**
 * A plan's triggers (its Triggers tab): URLs other programs POST to, each with its own secret,
 * to start a run of the plan, and watches of a repository's labelled GitHub issues (a run per
 * issue). Made here, a trigger's secret, URL and a curl example are shown once: Baton keeps only
 * a hash of the secret. A trigger whose last look at GitHub failed says why in its row.
 */
export function PlanTriggers({ stored }: { stored: StoredPlan }) {
  const planId = stored.plan_id;
  const all = useReachList('triggers');
  const triggers = useMemo(() => all?.filter((t) => t.plan_id === planId) ?? null, [all, planId]);
  const [created, setCreated] = useState<TriggerCreated | null>(null);
  const act = useRowAction();
  const remove = async (t: Trigger) => {
    const removed = await act(() => api.removeTrigger(t.id), `Trigger ${t.id} was not removed`, {
      title: `Removed trigger ${t.id}`,
      lines: ['Calls to its URL are refused from now on.'],
    });
    if (removed && created?.trigger.id === t.id) setCreated(null);
  };
  return (
    <div className="reach-tab">
      <p className="muted small intro">
        A trigger is a URL that starts a run of this plan when a program (CI, a form’s backend, cron
        elsewhere) POSTs to it with the trigger’s secret as <code>Authorization: Bearer …</code>, never the
        UI’s token. The body’s <code>inputs</code> go over the trigger’s own; calls are rate-limited and
        audited. A trigger may instead watch a workspace’s GitHub issues: each open issue with its label
        starts one run, and the run’s pull request closes it.
      </p>
      {created && <CreatedTrigger created={created} onDone={() => setCreated(null)} />}
      <RowsTable
        label="Triggers"
        className="triggers"
        columns={['Trigger', 'Inputs', 'Calls a minute', 'Created', 'Last error']}
        rows={triggers}
        empty="No triggers for this plan yet. Create one below."
        rowKey={(t) => t.id}
        row={(t) => (
          <tr>
            <RowName name={t.id} detail={startedBy(t)} />
            <InputsCell inputs={t.inputs} />
            <td>{t.kind === 'http' ? t.rate_per_minute : '—'}</td>
            <td className="small">{whenIn(t.created_at)}</td>
            <td className="small">
              {t.last_error ? (
                <span className="field-error" role="status" aria-label={`Last error of trigger ${t.id}`}>
                  {t.last_error}
                  {t.last_error_at && <span className="muted"> ({whenIn(t.last_error_at)})</span>}
                </span>
              ) : (
                '—'
              )}
            </td>
            <td className="row-actions">
              <RemoveRowButton
                what="trigger"
                name={t.id}
                detail="Programs that call its URL are refused from now on. Runs it started stay."
                onConfirm={() => void remove(t)}
              />
            </td>
          </tr>
        )}
      />
      <TriggerForm stored={stored} onCreated={setCreated} />
      <GithubIssuesForm stored={stored} />
    </div>
  );
}

/** The one time a trigger's secret is shown: its URL, secret and a curl example, each to copy. */
function CreatedTrigger({ created, onDone }: { created: TriggerCreated; onDone(): void }) {
  return (
    <ShownOnce
      title={`Trigger ${created.trigger.id} created`}
      warning="Copy the secret now: it is shown only this once. Baton keeps only a hash of it; a lost secret means a new trigger."
      facts={[
        { label: 'URL', value: created.url, what: 'the URL' },
        { label: 'Secret', value: created.secret, what: 'the secret' },
        { label: 'curl example', value: created.curl, what: 'the curl example', multiline: true },
      ]}
      onDone={onDone}
    />
  );
}

function TriggerForm({ stored, onCreated }: { stored: StoredPlan; onCreated(c: TriggerCreated): void }) {
  const [id, setId] = useState('');
  const [inputs, setInputs] = useState(() => inputsTemplate(stored.plan.run_inputs));
  const [rate, setRate] = useState('60');
  const { errors, setErrors, busy, send } = useFormSend();
  const submit = async () => {
    const parsed = parseInputsJson(inputs);
    if (!parsed.ok) return setErrors({ inputs: parsed.error });
    const perMinute = Number(rate);
    if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > 600)
      return setErrors({ rate_per_minute: 'a whole number from 1 to 600' });
    await send(async () => {
      const c = await api.addTrigger({
        plan_id: stored.plan_id,
        inputs: parsed.value,
        rate_per_minute: perMinute,
        ...(id.trim() ? { id: id.trim() } : {}),
      });
      setId('');
      onCreated(c);
    });
  };
  return (
    <FormPanel title="Create a trigger" className="reach-form" onSubmit={submit}>
      <div className="fields">
        <IdField value={id} onChange={setId} error={errors.id} />
        <InputField
          label="Calls a minute, at most"
          value={rate}
          onChange={setRate}
          error={errors.rate_per_minute}
          reserveError
        />
        <RunInputsField
          value={inputs}
          onChange={setInputs}
          error={errors.inputs}
          decl={stored.plan.run_inputs}
        />
      </div>
      <FormActions error={errors.form ?? errors.plan_id} busy={busy} submit="Create trigger" />{' '}
    </FormPanel>
  );
}
