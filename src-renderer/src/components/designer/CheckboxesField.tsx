import type { ReactNode } from 'react';
import { useId } from 'react';
import { FieldNote } from './FormFields.tsx';

/** One choice of a `CheckboxesField`: its value, its words, and a note beside them. */
export interface Choice {
  value: string;
  label: ReactNode;
  note?: string | undefined;
}

/**
 * A set of choices as checkboxes under one legend (the task's checks, the candidates' agents),
 * with a hint or the problem with what is chosen under them.
 */
export function CheckboxesField({
  label,
  choices,
  chosen,
  hint,
  error,
  onToggle,
}: {
  label: string;
  choices: readonly Choice[];
  chosen: ReadonlySet<string>;
  hint?: string | null;
  error?: string | null;
  onToggle(value: string, on: boolean): void;
}) {
  const id = useId();
  return (
    <fieldset className="field checkboxes-field" aria-describedby={error || hint ? `${id}-note` : undefined}>
      <legend>{label}</legend>
      {choices.map((c) => (
        <label key={c.value} className="check">
          <input
            type="checkbox"
            checked={chosen.has(c.value)}
            onChange={(e) => onToggle(c.value, e.target.checked)}
          />
          {c.label}
          {c.note && <span className="muted small"> {c.note}</span>}
        </label>
      ))}
      <FieldNote id={id} error={error} hint={hint} />
    </fieldset>
  );
}
