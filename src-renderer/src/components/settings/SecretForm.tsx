import { useEffect, useId, useRef, useState } from 'react';
import { PROTECTION_WORDS } from '../../../../src-shared/secret-words.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { useFormSend } from '../reach/reach-parts.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';

/**
 * Sets a secret: a name and a value typed into a password field, sent once and never shown
 * again (the field is emptied when it is stored). Setting a name stored before replaces it.
 */
export function SecretForm({
  name,
  onName,
  asked,
}: {
  name: string;
  onName(name: string): void;
  /** Goes up each time a list row asks for its name to be set: the value field takes the focus. */
  asked: number;
}) {
  const notify = useBaton((s) => s.notify);
  const load = useBaton((s) => s.loadSecrets);
  const [value, setValue] = useState('');
  const { errors, busy, send } = useFormSend();
  const hintId = useId();
  const valueRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (asked > 0) valueRef.current?.focus();
  }, [asked]);
  const submit = () =>
    send(async () => {
      const set = await api.setSecret(name.trim(), value);
      setValue('');
      onName('');
      notify('info', `Set secret ${set.name}`, [`It is ${PROTECTION_WORDS[set.protection]}.`]);
      await load();
    });
  return (
    <FormPanel title="Set a secret" className="reach-form" onSubmit={submit}>
      <div className="fields">
        <InputField
          label="Name"
          value={name}
          onChange={onName}
          error={errors.name}
          placeholder="e.g. openai.key"
          hint="letters, digits, _ . -"
          reserveError
        />
        <label>
          Value
          <input
            ref={valueRef}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            value={value}
            aria-label="Value"
            aria-describedby={hintId}
            aria-invalid={errors.value ? true : undefined}
            onChange={(e) => setValue(e.target.value)}
          />
          <span className="field-message" id={hintId}>
            {!errors.value && <span className="field-hint">never shown again, here or anywhere</span>}
            <span className="field-error">{errors.value}</span>
          </span>
        </label>
      </div>
      <FormActions error={errors.form} busy={busy} submit="Set secret" />
    </FormPanel>
  );
}
