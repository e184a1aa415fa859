import type { KeyboardEvent } from 'react';
import { useEffect, useId, useState } from 'react';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { fieldErrorsOf } from '../reach/field-errors.ts';

/**
 * A field that names a secret (never holds it): the names Baton knows are offered as one types,
 * and a name that has no value yet can be set right here ("Set it now": a password field, sent
 * once), without leaving the form around it. Not a form of its own: Enter in the value field
 * sets the secret, never submits the form around it.
 */
export function SecretNameField({
  label,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  /** The form's own error for this field (the host's refusal). */
  error?: string | undefined;
  hint?: string | undefined;
}) {
  const overview = useBaton((s) => s.secrets);
  const load = useBaton((s) => s.loadSecrets);
  const notify = useBaton((s) => s.notify);
  const listId = useId();
  const messageId = useId();
  const [setting, setSetting] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [setError, setSetError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  const name = value.trim();
  const usable = overview?.secrets.filter((s) => s.source !== 'missing') ?? [];
  const known = usable.some((s) => s.name === name);
  // Offered once the name is not the start of one that is set (a name still being typed), or the host refused it.
  const offerSet =
    name !== '' &&
    overview !== null &&
    !known &&
    setting === null &&
    (Boolean(error) || !usable.some((s) => s.name.startsWith(name)));
  const open = () => {
    setSetting(name);
    setSecret('');
    setSetError(undefined);
  };
  const close = () => {
    setSetting(null);
    setSecret('');
  };
  const store = async () => {
    if (setting === null) return;
    setBusy(true);
    try {
      await api.setSecret(setting, secret);
      notify('info', `Set secret ${setting}`);
      close();
      await load();
    } catch (err) {
      const e = fieldErrorsOf(err);
      setSetError(e.value ?? e.name ?? e.form);
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void store();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  };
  const shownError = error && !(known && /set a secret named/.test(error)) ? error : undefined;
  return (
    <div className="secret-name-field">
      <label>
        {label}
        <input
          type="text"
          list={listId}
          value={value}
          spellCheck={false}
          placeholder="a secret's name, e.g. hook_key"
          aria-label={label}
          aria-describedby={messageId}
          aria-invalid={shownError ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        <datalist id={listId}>
          {usable.map((s) => (
            <option key={s.name} value={s.name} />
          ))}
        </datalist>
        <span className="field-message" id={messageId}>
          {!shownError && hint && <span className="field-hint">{hint}</span>}
          <span className="field-error">{shownError}</span>
        </span>
      </label>
      {offerSet && (
        <p className="secret-offer small">
          <span className="muted">No secret named {name} is set.</span>{' '}
          <button type="button" className="link" onClick={open}>
            Set it now
          </button>
        </p>
      )}
      {setting !== null && (
        <fieldset className="set-now">
          <legend>Set secret {setting}</legend>
          <label>
            Value of {setting}
            <input
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              value={secret}
              aria-label={`Value of ${setting}`}
              aria-invalid={setError ? true : undefined}
              onChange={(e) => setSecret(e.target.value)}
              onKeyDown={onKeyDown}
            />
            <span className="field-message">
              {setError ? (
                <span className="field-error">{setError}</span>
              ) : (
                <span className="field-hint">stored by Baton, never shown again</span>
              )}
            </span>
          </label>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy || secret === ''}
              onClick={() => void store()}
            >
              Set
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}
