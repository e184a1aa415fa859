import { useEffect, useState } from 'react';
import type { Webhook, WebhookEvent, WebhookFormat } from '../../../../src-shared/schemas/webhook.ts';
import { WEBHOOK_EVENTS } from '../../../../src-shared/schemas/webhook.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { IdField, useFormSend } from '../reach/reach-parts.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { SecretNameField } from './SecretNameField.tsx';

/** What each event means, in the words the form shows. */
export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'run.started': 'Run started',
  'run.ended': 'Run ended',
  'task.failed': 'Task failed',
  'approval.waiting': 'Approval waiting',
  'approval.decided': 'Approval decided',
  'budget.exceeded': 'Budget passed',
  'budget.reached': 'Budget reached',
  'agent.limited': 'Agent hit a usage limit',
  'agent.available': 'Agent available again',
};

interface Draft {
  id: string;
  url: string;
  events: WebhookEvent[];
  project_id: string;
  secret_name: string;
  format: WebhookFormat;
  link_base: string;
}

const EMPTY: Draft = {
  id: '',
  url: '',
  events: ['run.ended', 'approval.waiting'],
  project_id: '',
  secret_name: '',
  format: 'standard',
  link_base: '',
};

const draftOf = (w: Webhook): Draft => ({
  id: w.id,
  url: w.url,
  events: w.events,
  project_id: w.project_id ?? '',
  secret_name: w.secret_name ?? '',
  format: w.format,
  link_base: w.link_base ?? '',
});

/**
 * Adds a webhook, or changes one (`editing`): URL, events, all projects or one, the signing
 * secret by name (never its value; one not set yet can be set from the field), and the format
 * (signed JSON, or text for a Slack-compatible incoming webhook, which needs no secret). The
 * host's refusals show under their fields.
 */
export function WebhookForm({
  editing,
  onDone,
}: {
  editing: Webhook | null;
  /** Saved or cancelled: the form goes back to adding one. */
  onDone(): void;
}) {
  const notify = useBaton((s) => s.notify);
  const projects = useBaton((s) => s.projects);
  const loadProjects = useBaton((s) => s.loadProjects);
  const [d, setD] = useState<Draft>(editing ? draftOf(editing) : EMPTY);
  const { errors, setErrors, busy, send } = useFormSend();
  useEffect(() => {
    setD(editing ? draftOf(editing) : EMPTY);
    setErrors({});
  }, [editing, setErrors]);
  useEffect(() => {
    void loadProjects();
  }, [loadProjects]);
  const set =
    <K extends keyof Draft>(k: K) =>
    (v: Draft[K]) =>
      setD((prev) => ({ ...prev, [k]: v }));
  const toggle = (e: WebhookEvent, on: boolean) =>
    set('events')(
      on ? WEBHOOK_EVENTS.filter((x) => x === e || d.events.includes(x)) : d.events.filter((x) => x !== e),
    );
  const submit = async () => {
    const input = {
      url: d.url.trim(),
      events: d.events,
      format: d.format,
      ...(d.secret_name.trim() ? { secret_name: d.secret_name.trim() } : {}),
      ...(d.project_id ? { project_id: d.project_id } : {}),
      ...(d.link_base.trim() ? { link_base: d.link_base.trim() } : {}),
    };
    await send(async () => {
      const w = editing
        ? await api.updateWebhook({ ...input, id: editing.id })
        : await api.addWebhook({ ...input, ...(d.id.trim() ? { id: d.id.trim() } : {}) });
      setD(EMPTY);
      notify('info', editing ? `Saved webhook ${w.id}` : `Added webhook ${w.id}`, [w.url]);
      onDone();
    });
  };
  const title = editing ? `Edit webhook ${editing.id}` : 'Add a webhook';
  return (
    <FormPanel title={title} className="reach-form" onSubmit={submit}>
      <div className="fields">
        <IdField value={d.id} onChange={set('id')} error={errors.id} readOnly={editing !== null} />
        <InputField
          label="URL"
          value={d.url}
          onChange={set('url')}
          error={errors.url}
          placeholder="https://example.com/hooks/baton"
          reserveError
        />
        <label>
          Runs of
          <select value={d.project_id} onChange={(e) => set('project_id')(e.target.value)}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
          <span className="field-error">{errors.project_id}</span>
        </label>
        <SecretNameField
          label="Signing secret"
          value={d.secret_name}
          onChange={set('secret_name')}
          error={errors.secret_name}
          hint={
            d.format === 'slack'
              ? 'optional: Slack’s incoming webhooks are not signed'
              : 'a secret’s name; its value signs each request'
          }
        />
        <fieldset className="wide">
          <legend>Events</legend>
          <div className="check-row">
            {WEBHOOK_EVENTS.map((e) => (
              <label key={e} className="check">
                <input
                  type="checkbox"
                  checked={d.events.includes(e)}
                  onChange={(x) => toggle(e, x.target.checked)}
                />
                {EVENT_LABELS[e]}
              </label>
            ))}
          </div>
          <span className="field-error">{errors.events}</span>
        </fieldset>
        <fieldset className="wide">
          <legend>Format</legend>
          <div className="check-row">
            <label className="check">
              <input
                type="radio"
                name="webhook-format"
                checked={d.format === 'standard'}
                onChange={() => set('format')('standard')}
              />
              Signed JSON (Standard Webhooks)
            </label>
            <label className="check">
              <input
                type="radio"
                name="webhook-format"
                checked={d.format === 'slack'}
                onChange={() => set('format')('slack')}
              />
              Slack-compatible text with a link back
            </label>
          </div>
        </fieldset>
        <InputField
          label="Links point to (optional)"
          value={d.link_base}
          onChange={set('link_base')}
          error={errors.link_base}
          placeholder="Baton's address as people reach it"
          reserveError
        />
      </div>
      <FormActions error={errors.form} busy={busy} submit={editing ? 'Save webhook' : 'Add webhook'}>
        {editing && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </FormActions>{' '}
    </FormPanel>
  );
}
