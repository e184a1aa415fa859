import type { Dispatch, SetStateAction } from 'react';
import { InputField } from '../shared/InputField.tsx';
import { MoreFields } from '../shared/MoreFields.tsx';
import type { AgentDraft, AgentFieldErrors } from './agent-form.ts';
import type { MoreField } from './agent-more.ts';
import { MORE_FIELDS } from './agent-more.ts';

type SetField = <K extends keyof AgentDraft>(k: K) => (v: AgentDraft[K]) => void;

/** The summary of the fold: what it holds, for the kind. */
const SUMMARY: Record<AgentDraft['kind'], string> = {
  echo: 'More settings: tags, worker, charter, task inputs',
  human: 'More settings: tags, charter, task inputs',
  command: 'More settings: time limit, environment, tags, worker, charter, task inputs',
  http: 'More settings: time limit, auth header, polling, retries, tags, worker, charter, task inputs',
  llm: 'More settings: limits, temperature, prices, tools and their policy, tags, worker, charter, task inputs',
  coding: 'More settings: prices, tags, worker, charter, task inputs',
};

/**
 * Every field of the agent's kind the form's first rows leave out, folded (open when one holds a
 * value or has an error). The table in agent-more.ts says which; the time limit, a command's
 * environment and an llm agent's spending cap are the draft's own fields (a coding agent has
 * them under "More coding settings").
 */
export function AgentMoreFields({
  d,
  errors,
  set,
  setDraft,
}: {
  d: AgentDraft;
  errors: AgentFieldErrors;
  set: SetField;
  setDraft: Dispatch<SetStateAction<AgentDraft>>;
}) {
  const fields = MORE_FIELDS[d.kind];
  const setMore = (key: string) => (v: string) => setDraft((p) => ({ ...p, more: { ...p.more, [key]: v } }));
  const own = d.kind === 'command' || d.kind === 'http' || d.kind === 'llm';
  const filled =
    fields.some((f) => (d.more[f.key] ?? '').trim() !== '') ||
    (own && d.timeout_s !== '') ||
    (d.kind === 'command' && d.env !== '') ||
    (d.kind === 'llm' && d.max_cost_usd !== '');
  const hasError =
    fields.some((f) => errors[`more.${f.key}`]) ||
    (own && Boolean(errors.timeout_s || errors.env || errors.max_cost_usd));
  return (
    <MoreFields summary={SUMMARY[d.kind]} filled={filled} hasError={hasError}>
      {own && (
        <InputField
          label="Timeout (s)"
          value={d.timeout_s}
          onChange={set('timeout_s')}
          error={errors.timeout_s}
          placeholder={d.kind === 'http' ? '30 a request' : d.kind === 'llm' ? '300' : 'no limit'}
          hint={d.kind === 'http' ? 'Each request; the attempt is bounded by the task.' : 'One attempt.'}
          reserveError
        />
      )}
      {d.kind === 'llm' && (
        <InputField
          label="Most per attempt (USD)"
          value={d.max_cost_usd}
          onChange={set('max_cost_usd')}
          error={errors.max_cost_usd}
          placeholder="no limit"
          hint="Priced from Prices as the model streams."
          reserveError
        />
      )}
      {fields.map((f) => (
        <MoreInput
          key={f.key}
          field={f}
          value={d.more[f.key] ?? ''}
          error={errors[`more.${f.key}`]}
          onChange={setMore(f.key)}
        />
      ))}
      {d.kind === 'command' && (
        <label className="wide">
          Environment (one NAME=value a line; {'{secret:KEY}'} in a value, or NAME=secret:KEY, takes a
          secret's value)
          <textarea
            rows={2}
            value={d.env}
            aria-invalid={errors.env ? true : undefined}
            onChange={(e) => set('env')(e.target.value)}
          />
          <span className="field-error">{errors.env}</span>
        </label>
      )}
    </MoreFields>
  );
}

/** One field of the table: a line of text, or a box for lines and JSON. */
export function MoreInput({
  field: f,
  value,
  error,
  onChange,
}: {
  field: MoreField;
  value: string;
  error: string | undefined;
  onChange(v: string): void;
}) {
  if (f.type === 'json' || f.type === 'lines')
    return (
      <label className={f.type === 'json' ? 'wide' : undefined}>
        {f.label}
        <textarea
          className={f.type === 'json' ? 'json' : undefined}
          rows={f.type === 'json' ? 3 : 2}
          spellCheck={false}
          value={value}
          placeholder={f.placeholder}
          aria-label={f.label}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        <span className="field-message">
          {f.hint && !error && <span className="field-hint">{f.hint}</span>}
          <span className="field-error">{error}</span>
        </span>
      </label>
    );
  return (
    <InputField
      label={f.label}
      value={value}
      onChange={onChange}
      error={error}
      hint={f.hint}
      placeholder={f.placeholder}
      reserveError
    />
  );
}
