import { useCallback, useEffect, useState } from 'react';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Trigger, TriggerCreated } from '../../../../src-shared/schemas/trigger.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { ShownOnce } from '../shared/ShownOnce.tsx';
import type { FieldErrors } from './field-errors.ts';
import { fieldErrorsOf, parseInputsJson, whenIn } from './field-errors.ts';
import { inputsTemplate, RunInputsField } from './RunInputsField.tsx';

/**
 * A plan's triggers (its Triggers tab): URLs other programs POST to, each with its own secret,
 * to start a run of the plan. Made here, a trigger's secret, URL and a curl example are shown
 * once: Baton keeps only a hash of the secret.
 */
export function PlanTriggers({ stored }: { stored: StoredPlan }) {
  const planId = stored.plan_id;
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [triggers, setTriggers] = useState<Trigger[] | null>(null);
  const [created, setCreated] = useState<TriggerCreated | null>(null);
  const load = useCallback(async () => {
    try {
      setTriggers((await api.listTriggers()).filter((t) => t.plan_id === planId));
    } catch (err) {
      setTriggers([]);
      fail('Could not list the triggers', err);
    }
  }, [planId, fail]);
  useEffect(() => {
    void load();
  }, [load]);
  const remove = async (t: Trigger) => {
    try {
      await api.removeTrigger(t.id);
      notify('info', `Removed trigger ${t.id}`, ['Calls to its URL are refused from now on.']);
      if (created?.trigger.id === t.id) setCreated(null);
      await load();
    } catch (err) {
      fail(`Trigger ${t.id} was not removed`, err);
    }
  };
  return (
    <div className="reach-tab">
      <p className="muted small intro">
        A trigger is a URL that starts a run of this plan when a program (CI, a form’s backend, cron
        elsewhere) POSTs to it with the trigger’s secret as <code>Authorization: Bearer …</code>, never the
        UI’s token. The body’s <code>inputs</code> go over the trigger’s own; calls are rate-limited and
        audited.
      </p>
      {created && <CreatedTrigger created={created} onDone={() => setCreated(null)} />}
      {triggers === null ? (
        <p className="muted">Loading…</p>
      ) : triggers.length === 0 ? (
        <p className="empty muted">No triggers for this plan yet. Create one below.</p>
      ) : (
        <table className="tasks triggers" aria-label="Triggers">
          <thead>
            <tr>
              <th scope="col">Trigger</th>
              <th scope="col">Inputs</th>
              <th scope="col">Calls a minute</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {triggers.map((t) => (
              <tr key={t.id}>
                <th scope="row">
                  <div>{t.id}</div>
                  <code className="muted small path">POST {t.url}</code>
                </th>
                <td className="small">
                  {Object.keys(t.inputs).length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <code>{JSON.stringify(t.inputs)}</code>
                  )}
                </td>
                <td>{t.rate_per_minute}</td>
                <td className="small">{whenIn(t.created_at)}</td>
                <td className="row-actions">
                  <ConfirmButton
                    label={`Remove ${t.id}`}
                    question={`Remove trigger ${t.id}?`}
                    detail="Programs that call its URL are refused from now on. Runs it started stay."
                    yes="Remove"
                    no="Keep it"
                    danger
                    onConfirm={() => void remove(t)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TriggerForm
        stored={stored}
        onCreated={(c) => {
          setCreated(c);
          void load();
        }}
      />
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
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const parsed = parseInputsJson(inputs);
    if (!parsed.ok) return setErrors({ inputs: parsed.error });
    const perMinute = Number(rate);
    if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > 600)
      return setErrors({ rate_per_minute: 'a whole number from 1 to 600' });
    setBusy(true);
    try {
      const c = await api.addTrigger({
        plan_id: stored.plan_id,
        inputs: parsed.value,
        rate_per_minute: perMinute,
        ...(id.trim() ? { id: id.trim() } : {}),
      });
      setErrors({});
      setId('');
      onCreated(c);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormPanel title="Create a trigger" className="reach-form" onSubmit={submit}>
      <div className="fields">
        <InputField
          label="Id"
          value={id}
          onChange={setId}
          error={errors.id}
          placeholder="made up when left empty"
          reserveError
        />
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
